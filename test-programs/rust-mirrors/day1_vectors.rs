#[derive(Clone, Copy, Debug, PartialEq)]
struct V2 {
    x: f64,
    y: f64,
}

impl V2 {
    fn add(self, o: V2) -> V2 { V2 { x: self.x + o.x, y: self.y + o.y } }
    fn scale(self, k: f64) -> V2 { V2 { x: self.x * k, y: self.y * k } }
    fn len(self) -> f64 { (self.x * self.x + self.y * self.y).sqrt() }
}

fn dot(a: &Vec<f64>, b: &Vec<f64>) -> f64 {
    a.iter().zip(b.iter()).map(|(x, y)| x * y).sum()
}

fn sum_all<T: std::ops::Add<Output = T> + Default + Copy>(v: &[T]) -> T {
    let mut s = T::default();
    for x in v {
        s = s + *x;
    }
    s
}

fn main() {
    let path = vec![V2 { x: 1.0, y: 0.0 }, V2 { x: 0.0, y: 2.0 }, V2 { x: -3.0, y: 0.5 }];
    let end = path.iter().fold(V2 { x: 0.0, y: 0.0 }, |acc, p| acc.add(*p));
    println!("{:?} {:.3}", end, end.len());
    let longest = path.iter().map(|p| p.len()).fold(0.0, |a: f64, b| a.max(b));
    println!("{}", longest);
    let scaled: Vec<V2> = path.iter().map(|p| p.scale(2.0)).filter(|p| p.x >= 0.0).collect();
    println!("{:?}", scaled);
    println!("{}", dot(&vec![1.0, 2.0, 3.0], &vec![4.0, 5.0, 6.0]));
    println!("{} {}", sum_all(&[1, 2, 3]), sum_all(&[0.5, 0.25]));
    let grid: Vec<Vec<i32>> = (0..3).map(|r| (0..4).map(|c| r * 4 + c).collect()).collect();
    let col_sums: Vec<i32> = (0..4).map(|c| grid.iter().map(|row| row[c]).sum()).collect();
    println!("{:?} {:?}", grid, col_sums);
}
