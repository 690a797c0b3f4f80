fn apply_n<F: Fn(i64) -> i64>(f: F, n: usize, x: i64) -> i64 {
    let mut v = x;
    for _ in 0..n {
        v = f(v);
    }
    v
}

fn compose<F: Fn(i64) -> i64, G: Fn(i64) -> i64>(f: F, g: G, x: i64) -> i64 {
    g(f(x))
}

fn main() {
    let bonus = 5;
    let add_bonus = |x: i64| x + bonus;
    let double = |x| x * 2;
    println!("{}", add_bonus(10));
    println!("{}", apply_n(double, 4, 1));
    println!("{}", compose(add_bonus, double, 1));
    let threshold = 10;
    let scores = vec![4, 15, 8, 23, 10];
    let high: Vec<i64> = scores.iter().cloned().filter(|s| *s > threshold).collect();
    println!("{:?}", high);
    let labels: Vec<String> = scores.iter().map(|s| if *s >= threshold { "pass".to_string() } else { "fail".to_string() }).collect();
    println!("{:?}", labels);
    let total = scores.iter().fold(0, |acc, s| acc + s);
    let max_gap = (1..scores.len()).map(|i| (scores[i] - scores[i - 1]).abs()).max().unwrap();
    println!("{} {}", total, max_gap);
}
