#[derive(Clone)] struct Matrix { rows: usize, cols: usize, data: Vec<f64> }
impl Matrix {
    fn zeros(rows: usize, cols: usize) -> Matrix { Matrix { rows, cols, data: vec![0.0; rows * cols] } }
    fn identity(n: usize) -> Matrix { let mut m = Matrix::zeros(n, n); for i in 0..n { m.set(i, i, 1.0); } m }
    fn from(rows: usize, cols: usize, data: Vec<f64>) -> Matrix { assert!(data.len() == rows * cols); Matrix { rows, cols, data } }
    fn get(&self, r: usize, c: usize) -> f64 { self.data[r * self.cols + c] }
    fn set(&mut self, r: usize, c: usize, v: f64) { self.data[r * self.cols + c] = v }
    fn mul(&self, other: &Matrix) -> Matrix { let mut out = Matrix::zeros(self.rows, other.cols); for i in 0..self.rows { for j in 0..other.cols { let mut sum = 0.0; for k in 0..self.cols { sum += self.get(i, k) * other.get(k, j); } out.set(i, j, sum); } } out }
    fn transpose(&self) -> Matrix { let mut t = Matrix::zeros(self.cols, self.rows); for i in 0..self.rows { for j in 0..self.cols { t.set(j, i, self.get(i, j)); } } t }
    fn print(&self) { for i in 0..self.rows { let mut line = String::new(); for j in 0..self.cols { if j > 0 { line.push_str(" "); } line.push_str(&format!("{:.2}", self.get(i, j))); } println!("[{}]", line); } }
}
fn mat_pow(m: &Matrix, e: u32) -> Matrix { let mut result = Matrix::identity(m.rows); let mut base = m.clone(); let mut e = e; while e > 0 { if e % 2 == 1 { result = result.mul(&base); } base = base.mul(&base); e /= 2; } result }
fn fib_matrix(n: u32) -> u64 { let mut r = (1, 0, 0, 1); let mut b = (1, 1, 1, 0); let mut e = n; while e > 0 { if e & 1 == 1 { r = mul2(r, b); } b = mul2(b, b); e >>= 1; } r.1 }
fn mul2(x: (u64, u64, u64, u64), y: (u64, u64, u64, u64)) -> (u64, u64, u64, u64) {
    (x.0.wrapping_mul(y.0).wrapping_add(x.1.wrapping_mul(y.2)), x.0.wrapping_mul(y.1).wrapping_add(x.1.wrapping_mul(y.3)), x.2.wrapping_mul(y.0).wrapping_add(x.3.wrapping_mul(y.2)), x.2.wrapping_mul(y.1).wrapping_add(x.3.wrapping_mul(y.3))) }
fn main() {
    let a = Matrix::from(2, 3, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]); let b = a.transpose();
    a.print(); b.print(); let c = a.mul(&b); c.print(); let d = b.mul(&a); d.print();
    let rot = Matrix::from(2, 2, vec![0.0, -1.0, 1.0, 0.0]); mat_pow(&rot, 4).print(); mat_pow(&rot, 3).print();
    let s = Matrix::from(2, 2, vec![0.5, 0.25, 0.125, 1.5]); let p = mat_pow(&s, 10); println!("{:?}", p.data);
    println!("{} {} {}", fib_matrix(10), fib_matrix(90), fib_matrix(93));
    println!("{}", fib_matrix(100));
}
