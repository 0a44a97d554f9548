//! A regular fraction in words: factor labels, its generators (`E = ABC`), what is aliased with
//! what (`A = BC`, `AB = CD`), and its exact resolution from the defining relation.

/// Factor labels: A–Z without I (the identity of the defining relation), then a–z without i
/// and l; past those, F50, F51...
const LETTERS: &str = "ABCDEFGHJKLMNOPQRSTUVWXYZabcdefghjkmnopqrstuvwxyz";

/// Alias lines kept before `... and N more`, and terms kept on one line.
const MAX_LINES: usize = 20;
const MAX_TERMS: usize = 12;

/// The labels of `k` factors.
pub fn labels(k: usize) -> Vec<String> {
    (0..k).map(|i| LETTERS.chars().nth(i).map_or_else(|| format!("F{}", i + 1), String::from)).collect()
}

/// An interaction's name: its factors' labels run together (`ABC`), or joined by `·` once
/// labels are longer than a letter.
pub fn join<'a>(labels: impl IntoIterator<Item = &'a str>) -> String {
    let parts: Vec<&str> = labels.into_iter().collect();
    parts.join(if parts.iter().all(|p| p.chars().count() == 1) { "" } else { "·" })
}

/// A regular fraction's factors: each one's column in GF(2)^r, label and axis (any order that
/// groups an axis's factors, bit 0 first).
pub struct Columns<'a> {
    pub columns: &'a [u32],
    pub labels: &'a [String],
    pub axis: &'a [usize],
}

/// The basic factors (the first that are independent, in order) and, for every factor, the set
/// of basic factors whose columns XOR to its own (a bit mask over factors).
fn basis(c: &Columns) -> Vec<u128> {
    let mut spanned: Vec<(u32, u128)> = vec![(0, 0)];
    let mut of = vec![0u128; c.columns.len()];
    for (f, &col) in c.columns.iter().enumerate() {
        match spanned.iter().find(|(v, _)| *v == col) {
            Some(&(_, mask)) => of[f] = mask,
            None => {
                of[f] = 1 << f;
                let more: Vec<(u32, u128)> = spanned.iter().map(|&(v, m)| (v ^ col, m | 1 << f)).collect();
                spanned.extend(more);
            }
        }
    }
    of
}

/// `E = ABC` for each factor that is not basic.
pub fn generators(c: &Columns) -> Vec<String> {
    basis(c)
        .iter()
        .enumerate()
        .filter(|&(f, &mask)| mask != 1 << f)
        .map(|(f, &mask)| format!("{} = {}", c.labels[f], join(members(mask).map(|g| c.labels[g].as_str()))))
        .collect()
}

fn members(mask: u128) -> impl Iterator<Item = usize> {
    (0..128).filter(move |i| mask >> i & 1 == 1)
}

/// The shortest word of the defining relation at the axis level (the number of axes a word
/// touches), over its 2^p words; `None` when there are none (p = 0, a full factorial) and at
/// least 5 when p is too large to enumerate (no design of ≤ 128 runs with a word-free span
/// of length 4 has that many).
pub fn resolution(c: &Columns) -> Option<u32> {
    let of = basis(c);
    let words: Vec<u128> = of.iter().enumerate().filter(|&(f, &m)| m != 1 << f).map(|(f, &m)| m | 1 << f).collect();
    if words.is_empty() {
        return None;
    }
    if words.len() > 16 {
        return Some(5);
    }
    let axes = c.axis.iter().max().map_or(0, |m| m + 1);
    let mut axis_masks = vec![0u128; axes];
    for (f, &a) in c.axis.iter().enumerate() {
        axis_masks[a] |= 1 << f;
    }
    let mut word = 0u128;
    let mut shortest = u32::MAX;
    // Gray code: each step XORs one generator word in.
    for step in 1u32..1 << words.len() {
        word ^= words[step.trailing_zeros() as usize];
        shortest = shortest.min(axis_masks.iter().filter(|&&m| m & word != 0).count() as u32);
    }
    Some(shortest)
}

/// The alias chains among main effects and two-factor interactions (at the axis level): for a
/// design of resolution III, each main effect with the interactions it is aliased with
/// (`A = BC = DE`); of resolution IV, the interactions aliased with each other (`AB = CD`); none
/// above. A multi-level axis's main effect includes its factors' interactions, written `(AB)`.
pub fn aliases(c: &Columns, resolution: u32) -> Vec<String> {
    if resolution > 4 {
        return Vec::new();
    }
    let axes = c.axis.iter().max().map_or(0, |m| m + 1);
    let sep = if c.labels.iter().any(|l| l.chars().count() > 1) { "·" } else { "" };
    // Each axis's main-effect terms: (column, label).
    let mains: Vec<Vec<(u32, String)>> = (0..axes)
        .map(|a| {
            let fs: Vec<usize> = (0..c.columns.len()).filter(|&f| c.axis[f] == a).collect();
            (1u32..1 << fs.len())
                .map(|s| {
                    let inside: Vec<usize> = (0..fs.len()).filter(|b| s >> b & 1 == 1).map(|b| fs[b]).collect();
                    let column = inside.iter().fold(0, |v, &f| v ^ c.columns[f]);
                    let label = join(inside.iter().map(|&f| c.labels[f].as_str()));
                    (column, if inside.len() > 1 { format!("({label})") } else { label })
                })
                .collect()
        })
        .collect();
    // Terms by column, in order of first appearance: main effects, then interactions.
    let mut chains: Vec<(u32, Vec<String>, usize)> = Vec::new();
    let mut add = |column: u32, label: String, main: bool| match chains.iter_mut().find(|(v, _, _)| *v == column) {
        Some((_, terms, m)) => {
            terms.push(label);
            *m += usize::from(main);
        }
        None => chains.push((column, vec![label], usize::from(main))),
    };
    for (v, label) in mains.iter().flatten() {
        add(*v, label.clone(), true);
    }
    for a in 0..axes {
        for b in a + 1..axes {
            for (va, la) in &mains[a] {
                for (vb, lb) in &mains[b] {
                    add(va ^ vb, format!("{la}{sep}{lb}"), false);
                }
            }
        }
    }
    let lines: Vec<String> = chains
        .into_iter()
        .filter(|(_, terms, m)| terms.len() > 1 && if resolution == 3 { *m > 0 } else { *m == 0 })
        .map(|(_, terms, _)| {
            let more = terms.len().saturating_sub(MAX_TERMS);
            let mut line = terms[..terms.len() - more].join(" = ");
            if more > 0 {
                line.push_str(&format!(" = ... ({more} more)"));
            }
            line
        })
        .collect();
    bounded(lines)
}

/// The first lines of `lines`, then `... and N more`.
pub fn bounded(mut lines: Vec<String>) -> Vec<String> {
    if lines.len() > MAX_LINES {
        let more = lines.len() - MAX_LINES;
        lines.truncate(MAX_LINES);
        lines.push(format!("... and {more} more"));
    }
    lines
}
