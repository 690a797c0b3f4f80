struct Stack { items: Vec<i32> }
impl Stack {
    fn drop_top(&mut self) { self.items.pop(); }
    fn top(&self) -> i32 { self.items[self.items.len().wrapping_sub(1)] }
}
fn discard_first(v: &mut Vec<i32>) { v.remove(0); }
fn main() {
    let mut v = vec![1, 2, 3]; discard_first(&mut v); println!("{:?}", v);
    let mut stacks = vec![Stack { items: vec![1, 2] }, Stack { items: vec![7] }];
    stacks[0].drop_top(); println!("{}", stacks[0].top());
    stacks[1].drop_top(); println!("{}", stacks[1].top());
}
