//! Structure-aware twin of `results`: the saved run in seeds/results/hello.json with a few
//! edits where a crafted file would put them — extreme numbers, empty or longer lists,
//! missing fields or new map entries, names that match no config (or another one) — so each
//! input is valid JSON and reaches the statistics and exporters rather than the JSON reader.

#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

const SEED: &str = include_str!("../seeds/results/hello.json");

fuzz_target!(|data: &[u8]| {
    let Ok(mut run) = serde_json::from_str::<Value>(SEED) else { return };
    let mut names: Vec<String> =
        run["configs"].as_array().into_iter().flatten().filter_map(|c| c["name"].as_str().map(str::to_owned)).collect();
    names.push("no-such-config".to_owned());
    let mut u = Unstructured::new(data);
    while !u.is_empty() {
        if edit(&mut run, &mut u, &names).is_err() {
            break;
        }
    }
    let Ok(bytes) = serde_json::to_vec(&run) else { return };
    gostart_fuzz::load_and_render(&bytes);
});

/// Descends to a random node and replaces or reshapes it.
fn edit(v: &mut Value, u: &mut Unstructured, names: &[String]) -> Result<()> {
    if u.ratio(4, 5)? {
        match v {
            Value::Object(m) if !m.is_empty() => {
                let i = u.choose_index(m.len())?;
                if let Some((_, child)) = m.iter_mut().nth(i) {
                    return edit(child, u, names);
                }
            }
            Value::Array(a) if !a.is_empty() => {
                let i = u.choose_index(a.len())?;
                return edit(&mut a[i], u, names);
            }
            _ => {}
        }
    }
    match (u.int_in_range(0..=5)?, &mut *v) {
        (0, Value::Array(a)) => {
            let keep = u.choose_index(a.len() + 1)?;
            a.truncate(keep);
        }
        (1, Value::Array(a)) if !a.is_empty() => {
            let i = u.choose_index(a.len())?;
            let copies = u.int_in_range(1..=8)?;
            let item = a[i].clone();
            a.extend(std::iter::repeat_n(item, copies));
        }
        (2, Value::Object(m)) if !m.is_empty() => {
            let i = u.choose_index(m.len())?;
            if let Some(key) = m.keys().nth(i).cloned() {
                m.remove(&key);
            }
        }
        // A new entry: in a map (`env`, `runenv`, `sections`...) a new key gostart must carry.
        (3, Value::Object(m)) => {
            let key = match u.int_in_range(0..=3)? {
                0 => "GOGC".to_owned(),
                1 => "".to_owned(),
                2 => "A=B\n[x]".to_owned(),
                _ => u.arbitrary::<String>()?,
            };
            m.insert(key, replacement(u, names)?);
        }
        _ => *v = replacement(u, names)?,
    }
    Ok(())
}

fn replacement(u: &mut Unstructured, names: &[String]) -> Result<Value> {
    Ok(match u.int_in_range(0..=22)? {
        0 => Value::Null,
        1 => json!(0),
        2 => json!(1),
        3 => json!(-1),
        4 => json!(u64::MAX),
        5 => json!(i64::MIN),
        6 => json!(u64::from(u32::MAX) + 1),
        7 => json!(1e308),
        8 => json!(-1e308),
        9 => json!(f64::MIN_POSITIVE),
        10 => json!(-0.0),
        11 => json!(0.5),
        12 => json!(u.arbitrary::<u64>()?),
        // Not finite: serde_json writes null.
        13 => json!(u.arbitrary::<f64>()?),
        14 => json!(u.choose(names)?),
        15 => json!(""),
        16 => json!("\u{1b}[31m<script>&\"'\n"),
        17 => json!("x".repeat(u.int_in_range(100..=5000)?)),
        18 => json!(u.arbitrary::<bool>()?),
        19 => json!([]),
        20 => json!({}),
        21 => json!([0, 0]),
        _ => json!(u.arbitrary::<String>()?),
    })
}
