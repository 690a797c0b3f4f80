fn insertion_sort(v: &mut Vec<i32>) { for i in 1..v.len() { let key = v[i]; let mut j = i; while j > 0 && v[j - 1] > key { v[j] = v[j - 1]; j -= 1; } v[j] = key; } }
fn partition(v: &mut Vec<i32>, lo: usize, hi: usize) -> usize { let pivot = v[hi]; let mut i = lo; for j in lo..hi { if v[j] < pivot { let t = v[i]; v[i] = v[j]; v[j] = t; i += 1; } } let t = v[i]; v[i] = v[hi]; v[hi] = t; i }
fn quicksort(v: &mut Vec<i32>, lo: usize, hi: usize) { if lo >= hi { return; } let p = partition(v, lo, hi); if p > lo { quicksort(v, lo, p - 1); } quicksort(v, p + 1, hi); }
fn merge_sort(v: Vec<String>) -> Vec<String> { if v.len() <= 1 { return v; } let mid = v.len() / 2; let mut left = vec![]; let mut right = vec![];
    for i in 0..v.len() { if i < mid { left.push(v[i].clone()) } else { right.push(v[i].clone()) } }
    let left = merge_sort(left); let right = merge_sort(right); let mut out = vec![]; let mut a = 0; let mut b = 0;
    while a < left.len() && b < right.len() { if left[a] <= right[b] { out.push(left[a].clone()); a += 1; } else { out.push(right[b].clone()); b += 1; } }
    while a < left.len() { out.push(left[a].clone()); a += 1; } while b < right.len() { out.push(right[b].clone()); b += 1; } out }
fn binary_search(v: &Vec<i32>, target: i32) -> Option<usize> { let mut lo = 0; let mut hi = v.len(); while lo < hi { let mid = lo + (hi - lo) / 2; if v[mid] == target { return Some(mid); } else if v[mid] < target { lo = mid + 1; } else { hi = mid; } } None }
fn pseudo_random(n: usize, seed: i64) -> Vec<i32> { let mut out = vec![]; let mut x = seed; for _ in 0..n { x = (x * 1103515245 + 12345) % 2147483648; out.push((x % 1000) as i32 - 500); } out }
fn main() {
    let data = pseudo_random(12, 42); println!("{:?}", data);
    let mut a = data.clone(); insertion_sort(&mut a); println!("{:?}", a);
    let mut b = data.clone(); let last = b.len() - 1; quicksort(&mut b, 0, last); println!("{:?}", b);
    let mut c = data.clone(); c.sort(); println!("{} {}", a == c, b == c);
    let big = pseudo_random(500, 7); let mut q = big.clone(); let end = q.len() - 1; quicksort(&mut q, 0, end); let mut s = big.clone(); s.sort();
    println!("{} {} {}", q == s, q[0], q[499]);
    let words: Vec<String> = ["pear", "fig", "apple", "kiwi", "banana", "cherry", "date"].iter().map(|x| x.to_string()).collect();
    println!("{:?}", merge_sort(words.clone())); println!("{:?}", words);
    for t in [c[0], c[5], 1000, -501] { match binary_search(&c, t) { Some(i) => println!("{} at {}", t, i), None => println!("{} missing", t) } }
}
