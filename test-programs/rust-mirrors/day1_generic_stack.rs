#[derive(Debug)]
struct Stack<T> {
    items: Vec<T>,
}

impl<T: Clone + std::fmt::Debug> Stack<T> {
    fn new() -> Self {
        Stack { items: Vec::new() }
    }
    fn push(&mut self, x: T) {
        self.items.push(x);
    }
    fn pop(&mut self) -> Option<T> {
        self.items.pop()
    }
    fn peek(&self) -> Option<T> {
        self.items.last().cloned()
    }
    fn len(&self) -> usize {
        self.items.len()
    }
    fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

fn drain_all<T: Clone + std::fmt::Debug>(s: &mut Stack<T>) -> Vec<T> {
    let mut out = Vec::new();
    while let Some(x) = s.pop() {
        out.push(x);
    }
    out
}

fn main() {
    let mut nums: Stack<i32> = Stack::new();
    for i in 1..=4 {
        nums.push(i * i);
    }
    println!("{} {:?}", nums.len(), nums.peek());
    println!("{:?}", drain_all(&mut nums));
    println!("{}", nums.is_empty());
    let mut words = Stack::new();
    words.push("undo".to_string());
    words.push("redo".to_string());
    println!("{:?} {:?}", words.pop(), words);
}
