use std::collections::HashMap;

fn average(v: &Vec<f64>) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn main() {
    let results = vec![("ana", 81.0), ("bo", 67.5), ("ana", 93.0), ("cy", 72.0), ("bo", 88.5), ("cy", 70.0)];
    let mut by_student: HashMap<String, Vec<f64>> = HashMap::new();
    for (name, score) in results.iter() {
        by_student.entry(name.to_string()).or_insert_with(Vec::new).push(*score);
    }
    let mut averages: Vec<(String, f64)> = by_student.iter().map(|(n, s)| (n.clone(), average(s))).collect();
    averages.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap());
    for (rank, (name, avg)) in averages.iter().enumerate() {
        println!("{}. {} {:.2}", rank + 1, name, avg);
    }
    let best = results.iter().map(|r| r.1).fold(0.0, |a: f64, b| a.max(b));
    let passed = averages.iter().filter(|a| a.1 >= 75.0).count();
    println!("best {} passed {}", best, passed);
}
