fn main() {
    println!("Hello, Dast!");
    print!("no newline, ");
    print!("then ");
    println!("done");
    println!("semicolons are optional");
    println!("{} + {} = {}", 2, 3, 2 + 3); println!("two statements on one line");
    println!("");
    println!("braces: {{}} and {{{}}}", 42);
    let name = "world";
    println!("hello, {}!", name);
}
