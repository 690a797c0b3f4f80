#[derive(Debug, Clone)] enum Token { Num(f64), Plus, Minus, Star, Slash, Caret, LParen, RParen }
fn tokenize(src: &str) -> Result<Vec<Token>, String> {
    let mut spaced = src.to_string();
    for op in ["+", "-", "*", "/", "^", "(", ")"] { spaced = spaced.replace(op, &(" ".to_string() + op + " ")); }
    let mut tokens = Vec::new();
    for word in spaced.split(" ") {
        if word.is_empty() { continue; }
        let tok = match word { "+" => Token::Plus, "-" => Token::Minus, "*" => Token::Star, "/" => Token::Slash, "^" => Token::Caret, "(" => Token::LParen, ")" => Token::RParen,
            _ => match word.parse::<f64>().ok() { Some(x) => Token::Num(x), None => return Err(format!("bad token '{}'", word)) } };
        tokens.push(tok);
    }
    Ok(tokens)
}
struct Parser { tokens: Vec<Token>, pos: usize }
impl Parser {
    fn peek(&self) -> Option<Token> { self.tokens.get(self.pos).cloned() }
    fn advance(&mut self) -> Option<Token> { let t = self.tokens.get(self.pos).cloned(); self.pos += 1; t }
    fn expr(&mut self) -> Result<f64, String> { let mut value = self.term()?; loop { match self.peek() { Some(Token::Plus) => { self.advance(); value = value + self.term()?; } Some(Token::Minus) => { self.advance(); value = value - self.term()?; } _ => break } } Ok(value) }
    fn term(&mut self) -> Result<f64, String> { let mut value = self.power()?; loop { match self.peek() { Some(Token::Star) => { self.advance(); value = value * self.power()?; } Some(Token::Slash) => { self.advance(); let d = self.power()?; if d == 0.0 { return Err("division by zero".into()); } value = value / d; } _ => break } } Ok(value) }
    fn power(&mut self) -> Result<f64, String> { let base = self.unary()?; if let Some(Token::Caret) = self.peek() { self.advance(); let exp = self.power()?; return Ok(base.powf(exp)); } Ok(base) }
    fn unary(&mut self) -> Result<f64, String> { if let Some(Token::Minus) = self.peek() { self.advance(); let v = self.unary()?; return Ok(-v); } self.atom() }
    fn atom(&mut self) -> Result<f64, String> { match self.advance() { Some(Token::Num(x)) => Ok(x), Some(Token::LParen) => { let v = self.expr()?; match self.advance() { Some(Token::RParen) => Ok(v), _ => Err("expected ')'".into()) } } Some(t) => Err(format!("unexpected token {:?}", t)), None => Err("unexpected end of input".into()) } }
}
fn evaluate(src: &str) -> Result<f64, String> { let tokens = tokenize(src)?; let mut p = Parser { tokens, pos: 0 }; let v = p.expr()?; if p.pos < p.tokens.len() { return Err(format!("trailing input at token {}", p.pos)); } Ok(v) }
fn main() {
    let inputs = ["1 + 2 * 3", "(1 + 2) * 3", "2 ^ 3 ^ 2", "-4 + 10 / 4", "2*(3+4)*5-1", "1.5 * 4", "10 / 3", "--3", "1 / 0", "(1 + 2", "3 + * 4", "abc + 1", "1 2", ""];
    for src in inputs { match evaluate(src) { Ok(v) => println!("{:?} = {}", src, v), Err(e) => println!("{:?} -> error: {}", src, e) } }
}
