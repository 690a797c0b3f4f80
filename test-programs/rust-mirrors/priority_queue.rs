#[derive(Clone)] struct Task { priority: i32, seq: i32, name: String }
struct Heap { items: Vec<Task>, next_seq: i32 }
fn less(a: &Task, b: &Task) -> bool { if a.priority != b.priority { a.priority < b.priority } else { a.seq < b.seq } }
fn swap_items(v: &mut Vec<Task>, i: usize, j: usize) { let t = v[i].clone(); v[i] = v[j].clone(); v[j] = t; }
impl Heap {
    fn new() -> Heap { Heap { items: Vec::new(), next_seq: 0 } }
    fn len(&self) -> usize { self.items.len() }
    fn push(&mut self, priority: i32, name: &str) { self.items.push(Task { priority, seq: self.next_seq, name: name.into() }); self.next_seq += 1;
        let mut i = self.items.len() - 1; while i > 0 { let parent = (i - 1) / 2; if less(&self.items[i], &self.items[parent]) { swap_items(&mut self.items, i, parent); i = parent; } else { break; } } }
    fn pop(&mut self) -> Option<Task> { if self.items.is_empty() { return None; } let last = self.items.len() - 1; swap_items(&mut self.items, 0, last); let top = self.items.pop(); let n = self.items.len(); let mut i = 0;
        loop { let l = 2 * i + 1; let r = l + 1; let mut smallest = i; if l < n && less(&self.items[l], &self.items[smallest]) { smallest = l; } if r < n && less(&self.items[r], &self.items[smallest]) { smallest = r; } if smallest == i { break; } swap_items(&mut self.items, i, smallest); i = smallest; } top }
    fn peek_name(&self) -> String { match self.items.get(0) { Some(t) => t.name.clone(), None => "-".into() } }
}
fn heap_sort(values: &Vec<i32>) -> Vec<i32> { let mut h = Heap::new(); for &v in values { h.push(v, ""); } let mut out = vec![]; while let Some(t) = h.pop() { out.push(t.priority); } out }
fn main() {
    let mut q = Heap::new();
    q.push(3, "write report"); q.push(1, "fix outage"); q.push(2, "review PR"); q.push(1, "call customer"); q.push(5, "lunch");
    println!("{} tasks, next: {}", q.len(), q.peek_name());
    let first = q.pop().unwrap(); println!("doing {} (p{})", first.name, first.priority);
    q.push(0, "urgent hotfix"); q.push(2, "update docs");
    while let Some(t) = q.pop() { println!("p{} #{} {}", t.priority, t.seq, t.name); }
    println!("{} left, next: {}", q.len(), q.peek_name());
    println!("{:?}", heap_sort(&vec![9, -3, 7, 7, 0, 12, -8, 5, 1]));
    let mut big = vec![]; let mut x = 7; for _ in 0..20 { x = (x * 31 + 11) % 101; big.push(x); }
    println!("{:?}", heap_sort(&big));
}
