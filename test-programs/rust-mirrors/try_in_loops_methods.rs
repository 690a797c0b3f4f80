struct Parser { tokens: Vec<String>, pos: usize }
impl Parser {
    fn new(src: &str) -> Parser {
        let mut tokens = Vec::new();
        for t in src.split(" ") { if t.len() > 0 { tokens.push(t.to_string()); } }
        Parser { tokens, pos: 0 }
    }
    fn next(&mut self) -> Result<String, String> {
        if self.pos >= self.tokens.len() { return Err("unexpected end".to_string()); }
        let t = self.tokens[self.pos].clone();
        self.pos += 1;
        Ok(t)
    }
    fn number(&mut self) -> Result<i64, String> {
        let t = self.next()?;
        match t.parse::<i64>().ok() { Some(n) => Ok(n), None => Err(format!("not a number: {}", t)) }
    }
    fn sum_all(&mut self) -> Result<i64, String> {
        let mut total = 0;
        while self.pos < self.tokens.len() {
            let n = self.number()?;
            if n < 0 { return Err(format!("negative: {}", n)); }
            total += n;
        }
        Ok(total)
    }
}
fn parse_all(lines: Vec<String>) -> Result<Vec<i64>, String> {
    let mut out = Vec::new();
    for line in lines { let mut p = Parser::new(&line); let s = p.sum_all()?; out.push(s); }
    Ok(out)
}
fn checked(values: &Vec<i32>) -> Result<i32, String> {
    let mut i = 0; let mut acc = 0;
    loop { if i == values.len() { break; } let v = values[i]; acc += div(100, v)?; i += 1; }
    Ok(acc)
}
fn div(a: i32, b: i32) -> Result<i32, String> { if b == 0 { Err("division by zero".to_string()) } else { Ok(a / b) } }
fn main() {
    println!("{:?}", parse_all(vec!["1 2 3".to_string(), "10  20".to_string()]));
    println!("{:?}", parse_all(vec!["1 2".to_string(), "4 x 5".to_string(), "7".to_string()]));
    println!("{:?}", parse_all(vec!["5 -3".to_string()]));
    let mut p = Parser::new("");
    println!("{:?}", p.number());
    println!("{:?}", checked(&vec![1, 2, 5]));
    println!("{:?}", checked(&vec![1, 0, 5]));
    match checked(&vec![3, 7]) {
        Ok(v) if v > 40 => println!("big {}", v),
        Ok(v) => println!("small {}", v),
        Err(e) => println!("error {}", e),
    }
    let r: Result<i32, String> = Err("x".to_string());
    println!("{} {}", r.is_ok(), r.is_err());
    println!("{}", r.unwrap_or(7));
}
