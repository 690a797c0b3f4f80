fn perms(prefix: Vec<i32>, rest: Vec<i32>, out: &mut Vec<Vec<i32>>) {
    if rest.len() == 0 { out.push(prefix); return }
    for i in 0..rest.len() { let mut p = prefix.clone(); p.push(rest[i]); let mut r = rest.clone(); r.remove(i); perms(p, r, out) }
}
fn fill(v: Vec<i32>, n: i32) -> Vec<i32> { if n == 0 { return v } let mut w = v; w.push(n); fill(w, n - 1) }
#[derive(Clone)] struct Node { val: i32, kids: Vec<Node> }
fn sum(n: &Node) -> i32 { let mut s = n.val; for k in &n.kids { s += sum(k) } s }
fn depth(n: Node) -> i32 { let mut d = 0; for k in n.kids { d = d.max(depth(k)) } d + 1 }
fn main() {
    let mut out = Vec::new(); perms(vec![], vec![1, 2, 3], &mut out); println!("{} {:?}", out.len(), out);
    let base = vec![9]; let f = fill(base.clone(), 3); println!("{:?} {:?}", base, f);
    let tree = Node { val: 1, kids: vec![Node { val: 2, kids: vec![] }, Node { val: 3, kids: vec![Node { val: 4, kids: vec![] }] }] };
    println!("{} {}", sum(&tree), depth(tree.clone()));
    let mut t2 = tree.clone(); t2.kids[1].kids[0].val = 100; println!("{} {}", sum(&tree), sum(&t2));
}
