fn largest<T: PartialOrd + Copy>(list: &[T]) -> T {
    let mut largest = list[0];
    for &item in list {
        if item > largest {
            largest = item;
        }
    }
    largest
}

fn count_above<T: PartialOrd + Copy>(list: &[T], limit: T) -> usize {
    list.iter().filter(|x| **x > limit).count()
}

fn main() {
    let numbers = vec![34, 50, 25, 100, 65];
    println!("The largest number is {}", largest(&numbers));
    let chars = vec!['y', 'm', 'a', 'q'];
    println!("The largest char is {}", largest(&chars));
    let floats = vec![1.5, -2.0, 9.75];
    println!("The largest float is {}", largest(&floats));
    println!("{} {}", count_above(&numbers, 40), count_above(&chars, 'l'));
    println!("{}", largest::<i64>(&[3, 7, 5]));
}
