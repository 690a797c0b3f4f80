use std::fmt;

#[derive(Clone, Debug)]
struct Item {
    name: String,
    price: f64,
    qty: i64,
}

impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{} x{} @ {:.2}", self.name, self.qty, self.price)
    }
}

fn main() {
    let mut items = vec![
        Item { name: "sword".to_string(), price: 12.5, qty: 1 },
        Item { name: "potion".to_string(), price: 2.25, qty: 6 },
        Item { name: "arrow".to_string(), price: 0.1, qty: 40 },
        Item { name: "shield".to_string(), price: 9.0, qty: 0 },
    ];
    let total: f64 = items.iter().map(|i| i.price * i.qty as f64).sum();
    println!("total value {:.2}", total);
    let in_stock: Vec<String> = items.iter().filter(|i| i.qty > 0).map(|i| i.name.clone()).collect();
    println!("in stock: {}", in_stock.join(", "));
    items.sort_by(|a, b| b.price.partial_cmp(&a.price).unwrap());
    for item in items.iter() {
        println!("{}", item);
    }
    let cheapest = items.iter().min_by_key(|i| (i.price * 100.0) as i64).unwrap();
    println!("cheapest: {}", cheapest.name);
    println!("any empty: {}", items.iter().any(|i| i.qty == 0));
}
