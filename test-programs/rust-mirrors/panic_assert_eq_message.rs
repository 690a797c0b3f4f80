static mut CALLS: i32 = 0;
fn next() -> i32 { unsafe { CALLS += 1; CALLS } }
fn calls() -> i32 { unsafe { CALLS } }
fn main() {
    assert_eq!(next(), 1);
    assert_eq!(next(), 2, "second call");
    assert_ne!(next(), 0, "never zero {}", calls());
    assert!(calls() == 3);
    assert!(calls() == 3, "calls is {}", calls());
    println!("{}", calls());
    let v = vec![1, 2];
    assert_eq!(v, vec![1, 2]);
    assert_eq!(Some("a".to_string()), Some("a".to_string()));
    assert_eq!(next(), 5, "call {} of {}", 4, "many");
}
