//! Tests of the design choice: every property is checked on the design's runs (`points`), by
//! brute force, not on the search's own bookkeeping.

use super::*;

/// Each factor of an all-two-valued design as ±1 per run, from the runs' values.
fn signs(d: &Design, reference: &[u32]) -> Vec<Vec<i32>> {
    d.factors
        .iter()
        .map(|f| d.points.iter().map(|p| if p[f.axis] == reference[f.axis] { -1 } else { 1 }).collect())
        .collect()
}

/// The shortest set of factors whose product is constant over the runs (a word of the
/// defining relation), searched up to 6 factors; `None` when there is none that short.
fn brute_resolution(cols: &[Vec<i32>]) -> Option<u32> {
    let k = cols.len();
    for len in 1..=6.min(k) {
        let mut set: Vec<usize> = (0..len).collect();
        loop {
            let product: Vec<i32> = (0..cols[0].len()).map(|i| set.iter().map(|&f| cols[f][i]).product()).collect();
            if product.iter().all(|&x| x == product[0]) {
                return Some(len as u32);
            }
            // Next combination.
            let Some(i) = (0..len).rev().find(|&i| set[i] < k - len + i) else { break };
            set[i] += 1;
            for j in i + 1..len {
                set[j] = set[j - 1] + 1;
            }
        }
    }
    None
}

/// Every column balanced, every pair orthogonal (each pair of levels equally often).
fn orthogonal(cols: &[Vec<i32>]) -> bool {
    cols.iter().all(|c| c.iter().sum::<i32>() == 0)
        && cols
            .iter()
            .enumerate()
            .all(|(i, a)| cols[i + 1..].iter().all(|b| a.iter().zip(b).map(|(x, y)| x * y).sum::<i32>() == 0))
}

/// Rank of a matrix given as columns, by Gaussian elimination.
fn rank(columns: &[Vec<f64>]) -> usize {
    let mut m: Vec<Vec<f64>> = columns.to_vec();
    let rows = m.first().map_or(0, Vec::len);
    let mut rank = 0;
    for row in 0..rows {
        let Some(p) = (rank..m.len()).max_by(|&a, &b| m[a][row].abs().total_cmp(&m[b][row].abs())) else { break };
        if m[p][row].abs() < 1e-9 {
            continue;
        }
        m.swap(rank, p);
        let pivot = m[rank].clone();
        for col in m.iter_mut().skip(rank + 1) {
            let f = col[row] / pivot[row];
            for (x, y) in col.iter_mut().zip(&pivot) {
                *x -= f * y;
            }
        }
        rank += 1;
    }
    rank
}

/// Dummy columns of each axis (one per value that is not the reference) over the runs.
fn dummies(points: &[Vec<u32>], levels: &[usize], reference: &[u32]) -> Vec<Vec<Vec<f64>>> {
    (0..levels.len())
        .map(|a| {
            (0..levels[a] as u32)
                .filter(|&v| v != reference[a])
                .map(|v| points.iter().map(|p| f64::from(u8::from(p[a] == v))).collect())
                .collect()
        })
        .collect()
}

/// The model matrix: intercept, every axis's dummies, and (`interactions`) every product of two
/// dummies of different axes, each centred on its mean over the runs first (so that an
/// interaction column holds no main-effect contrast: with 0/1 dummies, `ab` would hold `a`);
/// with the columns of each axis's main effects marked.
fn model(points: &[Vec<u32>], levels: &[usize], reference: &[u32], interactions: bool) -> (Vec<Vec<f64>>, Vec<usize>) {
    let d = dummies(points, levels, reference);
    let mut cols = vec![vec![1.0; points.len()]];
    let mut owner = vec![usize::MAX];
    for (a, ds) in d.iter().enumerate() {
        for c in ds {
            cols.push(c.clone());
            owner.push(a);
        }
    }
    if interactions {
        for a in 0..d.len() {
            for b in a + 1..d.len() {
                for x in &d[a].iter().map(|c| centred(c)).collect::<Vec<_>>() {
                    for y in &d[b].iter().map(|c| centred(c)).collect::<Vec<_>>() {
                        cols.push(x.iter().zip(y).map(|(p, q)| p * q).collect());
                        owner.push(usize::MAX);
                    }
                }
            }
        }
    }
    (cols, owner)
}

fn centred(c: &[f64]) -> Vec<f64> {
    let mean = c.iter().sum::<f64>() / c.len() as f64;
    c.iter().map(|x| x - mean).collect()
}

/// Each axis's main effects can be estimated in the model (`interactions`: with every
/// two-factor interaction in it too, which resolution IV allows): dropping its columns lowers
/// the rank by their number.
fn mains_estimable(points: &[Vec<u32>], levels: &[usize], reference: &[u32], interactions: bool) -> bool {
    let (cols, owner) = model(points, levels, reference, interactions);
    let full = rank(&cols);
    (0..levels.len()).all(|a| {
        let without: Vec<Vec<f64>> =
            cols.iter().zip(&owner).filter(|(_, o)| **o != a).map(|(c, _)| c.clone()).collect();
        full - rank(&without) == levels[a] - 1
    })
}

/// Every value of every axis is built by some run.
fn every_value(points: &[Vec<u32>], levels: &[usize]) -> bool {
    (0..levels.len()).all(|a| (0..levels[a] as u32).all(|v| points.iter().any(|p| p[a] == v)))
}

fn two_valued(k: usize, budget: usize) -> Design {
    choose(&vec![2; k], &vec![0; k], budget).unwrap()
}

/// The checks every design passes: its size, run 0 the reference, values in range.
fn sound(d: &Design, levels: &[usize], reference: &[u32], budget: usize) {
    assert_eq!(d.runs, d.points.len());
    assert!(d.runs <= budget, "{} runs over {budget}", d.runs);
    assert_eq!(d.points[0], reference, "run 0 is the baseline's combination");
    assert!(d.points.iter().all(|p| p.len() == levels.len() && p.iter().zip(levels).all(|(&v, &m)| (v as usize) < m)));
    assert!(every_value(&d.points, levels));
    let k: u32 = levels.iter().map(|&m| coding::pseudo_factors(m)).sum();
    assert_eq!(d.factors.len(), k as usize);
}

#[test]
fn seven_flags_in_32_builds_are_16_runs_of_resolution_iv() {
    let d = two_valued(7, 32);
    sound(&d, &[2; 7], &[0; 7], 32);
    assert_eq!((d.kind, d.runs, d.resolution), (Kind::Fractional, 16, Some(4)));
    let cols = signs(&d, &[0; 7]);
    assert!(orthogonal(&cols));
    assert_eq!(brute_resolution(&cols), Some(4));
    assert_eq!(d.generators.len(), 3);
    assert!(d.generators.iter().all(|g| g.len() == "E = ABC".len()), "{:?}", d.generators);
    // Minimum aberration 2^(7−3): 7 words of length 4, each aliasing 3 pairs of interactions:
    // 7 chains of 3 interactions.
    assert_eq!(d.aliases.len(), 7, "{:?}", d.aliases);
    assert!(d.aliases.iter().all(|a| a.matches(" = ").count() == 2), "{:?}", d.aliases);
}

#[test]
fn ten_flags_in_32_builds_are_32_runs_of_resolution_iv() {
    let d = two_valued(10, 32);
    sound(&d, &[2; 10], &[0; 10], 32);
    assert_eq!((d.kind, d.runs, d.resolution), (Kind::Fractional, 32, Some(4)));
    let cols = signs(&d, &[0; 10]);
    assert!(orthogonal(&cols));
    assert_eq!(brute_resolution(&cols), Some(4));
    assert_eq!(d.generators.len(), 5);
}

#[test]
fn five_flags_take_the_half_fraction_of_resolution_v() {
    let d = two_valued(5, 32);
    sound(&d, &[2; 5], &[0; 5], 32);
    assert_eq!((d.kind, d.runs, d.resolution), (Kind::Fractional, 16, Some(5)));
    let cols = signs(&d, &[0; 5]);
    assert_eq!(brute_resolution(&cols), Some(5));
    assert_eq!(d.generators, ["E = ABCD"]);
    assert!(d.aliases.is_empty(), "{:?}", d.aliases);
}

#[test]
fn six_flags_are_16_runs_of_resolution_iv_with_the_fewest_words() {
    let d = two_valued(6, 32);
    sound(&d, &[2; 6], &[0; 6], 32);
    assert_eq!((d.runs, d.resolution), (16, Some(4)));
    let cols = signs(&d, &[0; 6]);
    assert_eq!(brute_resolution(&cols), Some(4));
    // The minimum aberration 2^(6−2) has 3 words of length 4 (E = ABC, F = BCD): 3 words with
    // 3 pairs each, 3 chains of 2 interactions... counted here by brute force.
    let fours = (0..6).flat_map(|a| {
        (a + 1..6).flat_map(move |b| (b + 1..6).flat_map(move |c| (c + 1..6).map(move |d| [a, b, c, d])))
    });
    let words = fours.filter(|s| {
        (0..16).map(|i| s.iter().map(|&f| cols[f][i]).product::<i32>()).collect::<BTreeSet<_>>().len() == 1
    });
    assert_eq!(words.count(), 3);
}

#[test]
fn three_flags_are_the_full_factorial() {
    let d = two_valued(3, 32);
    sound(&d, &[2; 3], &[0; 3], 32);
    assert_eq!((d.kind, d.runs, d.resolution), (Kind::Full, 8, None));
    assert_eq!(d.points.iter().collect::<BTreeSet<_>>().len(), 8);
    assert!(d.generators.is_empty() && d.aliases.is_empty());
}

#[test]
fn four_flags_are_a_half_fraction_not_the_full_16() {
    let d = two_valued(4, 32);
    assert_eq!((d.kind, d.runs, d.resolution), (Kind::Fractional, 8, Some(4)));
    assert_eq!(brute_resolution(&signs(&d, &[0; 4])), Some(4));
    assert_eq!(d.generators, ["D = ABC"]);
}

#[test]
fn eleven_flags_in_12_builds_are_plackett_burman() {
    let d = two_valued(11, 12);
    sound(&d, &[2; 11], &[0; 11], 12);
    assert_eq!((d.kind, d.runs, d.resolution), (Kind::PlackettBurman, 12, Some(3)));
    assert!(orthogonal(&signs(&d, &[0; 11])));
    assert_eq!(d.points.iter().collect::<BTreeSet<_>>().len(), 12);
    assert_eq!(d.aliases.len(), 1);
    assert!(d.aliases[0].contains("partly aliased"), "{:?}", d.aliases);
}

#[test]
fn plackett_burman_20_and_24_are_orthogonal() {
    for (k, budget, runs) in [(19, 20, 20), (23, 24, 24), (16, 24, 20), (12, 20, 16)] {
        let d = two_valued(k, budget);
        sound(&d, &vec![2; k], &vec![0; k], budget);
        let kind = if runs == 16 { Kind::Fractional } else { Kind::PlackettBurman };
        assert_eq!((d.kind, d.runs), (kind, runs), "{k} factors in {budget}");
        assert!(orthogonal(&signs(&d, &vec![0; k])), "{k} factors in {runs} runs");
    }
}

#[test]
fn below_resolution_iv_the_smallest_resolution_iii_wins() {
    // 10 flags in 16 builds: Plackett–Burman's 12 runs beat the regular 16.
    let d = two_valued(10, 16);
    assert_eq!((d.kind, d.runs), (Kind::PlackettBurman, 12));
    // 7 flags in 12 builds: the regular 8 beat Plackett–Burman's 12.
    let d = two_valued(7, 12);
    assert_eq!((d.kind, d.runs, d.resolution), (Kind::Fractional, 8, Some(3)));
    let cols = signs(&d, &[0; 7]);
    assert!(orthogonal(&cols));
    assert_eq!(brute_resolution(&cols), Some(3));
    // Saturated: each main effect aliased with three interactions.
    assert_eq!(d.aliases.len(), 7, "{:?}", d.aliases);
    assert!(d.aliases.iter().all(|a| a.matches(" = ").count() == 3), "{:?}", d.aliases);
    assert!(d.aliases[0].starts_with("A = "), "{:?}", d.aliases);
}

#[test]
fn resolution_claims_hold_by_brute_force_for_every_size() {
    for k in 1..=16 {
        for budget in [4, 8, 12, 16, 20, 32, 64] {
            let Ok(d) = choose(&vec![2; k], &vec![0; k], budget) else {
                assert!(k >= budget, "{k} flags in {budget} builds: no design");
                continue;
            };
            sound(&d, &vec![2; k], &vec![0; k], budget);
            let cols = signs(&d, &vec![0; k]);
            assert!(orthogonal(&cols), "{k} flags in {budget}");
            let brute = brute_resolution(&cols);
            match d.kind {
                Kind::Full => assert_eq!(brute, None),
                Kind::Fractional => assert_eq!(d.resolution, brute, "{k} flags in {budget}: {:?}", d.generators),
                Kind::PlackettBurman => assert_eq!(d.resolution, Some(3)),
            }
            // Resolution IV whenever 2k runs, to a power of two, fit the budget (a foldover would).
            if (2 * k).next_power_of_two() <= budget && k > 3 {
                assert!(d.resolution >= Some(4), "{k} flags in {budget}: {:?}", d.resolution);
                assert!(d.runs <= (2 * k).next_power_of_two());
            }
        }
    }
}

#[test]
fn sixteen_flags_in_32_is_the_resolution_iv_foldover() {
    let d = two_valued(16, 64);
    assert_eq!((d.runs, d.resolution), (32, Some(4)));
    assert_eq!(brute_resolution(&signs(&d, &[0; 16])), Some(4));
    // 17 do not fit 32 runs at resolution IV.
    let d = two_valued(17, 64);
    assert_eq!((d.runs, d.resolution), (64, Some(4)));
}

#[test]
fn mixed_levels_every_value_built_main_effects_clear_of_interactions() {
    // Five flags and a 3-valued axis in 32 builds.
    let levels = [2, 2, 3, 2, 2, 2];
    let reference = [0; 6];
    let d = choose(&levels, &reference, 32).unwrap();
    sound(&d, &levels, &reference, 32);
    assert_eq!((d.kind, d.runs, d.resolution), (Kind::Fractional, 32, Some(4)));
    assert!(mains_estimable(&d.points, &levels, &reference, false));
    assert!(mains_estimable(&d.points, &levels, &reference, true), "resolution IV: mains clear of 2FIs");
    // Codes 0..3 by C (bit 0) and D: the reference, values 1 and 2, then value 1 again.
    let coded = crate::search::coding::Coding {
        axis: 2,
        values: 3,
        factors: vec!["C".into(), "D".into()],
        codes: vec![0, 1, 2, 1],
    };
    assert_eq!(d.coding, [coded]);
    // In 16 builds it cannot be resolution IV: resolution III, mains still estimable alone.
    let d = choose(&levels, &reference, 16).unwrap();
    assert_eq!((d.kind, d.runs, d.resolution), (Kind::Fractional, 16, Some(3)));
    assert!(mains_estimable(&d.points, &levels, &reference, false));
    assert!(!mains_estimable(&d.points, &levels, &reference, true));
}

#[test]
fn mixed_three_and_four_valued_axes_among_flags() {
    let levels = [2, 3, 2, 4, 2, 2];
    let reference = [1, 2, 0, 1, 0, 1];
    for budget in [16, 32, 64] {
        let d = choose(&levels, &reference, budget).unwrap();
        sound(&d, &levels, &reference, budget);
        assert!(mains_estimable(&d.points, &levels, &reference, false), "budget {budget}");
        assert_eq!(d.coding.len(), 2);
        if d.resolution >= Some(4) {
            assert!(mains_estimable(&d.points, &levels, &reference, true), "budget {budget}");
        }
        if budget >= 32 {
            assert!(d.resolution >= Some(4), "budget {budget}: {:?}", d.resolution);
        }
    }
}

#[test]
fn resolution_v_resolves_every_two_factor_interaction() {
    let levels = [2, 2, 2, 2, 2];
    let d = choose(&levels, &[0; 5], 16).unwrap();
    let (cols, _) = model(&d.points, &levels, &[0; 5], true);
    assert_eq!(rank(&cols), cols.len(), "1 + 5 + 10 columns in 16 runs, all estimable");
}

#[test]
fn small_mixed_matrices_are_built_whole() {
    let levels = [3, 3];
    let d = choose(&levels, &[2, 0], 32).unwrap();
    assert_eq!((d.kind, d.runs), (Kind::Full, 9));
    assert_eq!(d.points[0], [2, 0]);
    assert_eq!(d.points.iter().collect::<BTreeSet<_>>().len(), 9);
}

#[test]
fn run_zero_is_the_reference_combination() {
    let levels = [2, 2, 2, 2, 2, 2, 2];
    let reference = [1, 0, 1, 1, 0, 0, 1];
    let d = choose(&levels, &reference, 32).unwrap();
    assert_eq!(d.points[0], reference);
    assert_eq!(brute_resolution(&signs(&d, &reference)), Some(4));
    let d = choose(&[2; 11], &[1; 11], 12).unwrap();
    assert_eq!((d.kind, d.points[0].clone()), (Kind::PlackettBurman, vec![1; 11]));
}

#[test]
fn constant_axes_have_no_factor() {
    let levels = [1, 2, 2, 1, 2, 2, 2];
    let reference = [0; 7];
    let d = choose(&levels, &reference, 32).unwrap();
    sound(&d, &levels, &reference, 32);
    assert_eq!((d.runs, d.resolution), (16, Some(5)), "as 5 flags alone");
    assert!(d.points.iter().all(|p| p[0] == 0 && p[3] == 0));
    assert_eq!(d.factors.iter().map(|f| f.axis).collect::<Vec<_>>(), [1, 2, 4, 5, 6]);
}

#[test]
fn too_small_a_budget_says_what_is_needed() {
    let e = choose(&[2; 7], &[0; 7], 6).unwrap_err();
    assert_eq!(
        e,
        "7 two-level factors need at least 8 runs, more than max_builds = 6: raise [search] max_builds to 8, \
         or use strategy = \"full\""
    );
    let e = choose(&[2; 9], &[0; 9], 10).unwrap_err();
    assert!(e.contains("need at least 12 runs"), "{e}");
    let e = choose(&[4, 4, 2], &[0; 3], 8).unwrap_err();
    assert!(e.contains("5 two-level factors (3 axes") && e.contains("need at least 16 runs"), "{e}");
    assert!(choose(&[2; 3], &[0; 3], 0).unwrap_err().contains("raise [search] max_builds"));
}

#[test]
fn inconsistent_axes_are_errors_not_panics() {
    assert!(choose(&[2, 2], &[0], 8).is_err());
    assert!(choose(&[2, 0], &[0, 0], 8).is_err());
    assert!(choose(&[2, 3], &[0, 3], 8).is_err());
    assert_eq!(choose(&[], &[], 8).unwrap().points, [Vec::<u32>::new()]);
}

#[test]
fn choice_is_deterministic() {
    let levels = [2, 3, 2, 4, 2, 2, 2, 2, 2, 2];
    assert_eq!(choose(&levels, &[0; 10], 64), choose(&levels, &[0; 10], 64));
}

#[test]
fn large_matrices_stay_within_bounds() {
    // 40 flags: resolution IV needs 128 runs; in 64, resolution III.
    let d = two_valued(40, 128);
    assert_eq!((d.runs, d.resolution), (128, Some(4)));
    assert_eq!(d.aliases.len(), 21, "20 lines and `... and N more`");
    assert!(d.aliases[20].starts_with("... and "));
    let d = two_valued(40, 64);
    assert_eq!((d.runs, d.resolution), (64, Some(3)));
    assert_eq!(brute_resolution(&signs(&d, &[0; 40])[..12]).unwrap_or(3).min(3), 3);
    // Labels past Z skip I; a 49th factor is `z`, a 50th `F50`.
    let d = two_valued(60, 64);
    assert_eq!(d.factors[8].label, "J");
    assert_eq!(d.factors[48].label, "z");
    assert_eq!(d.factors[49].label, "F50");
}

#[test]
fn placed_points_keep_allowed_runs() {
    let allowed = vec![vec![0, 0], vec![0, 1], vec![1, 0], vec![1, 1]];
    let placed = place(&[vec![0, 0], vec![1, 1]], &allowed);
    assert_eq!(
        placed,
        [Placed { levels: vec![0, 0], substituted: false }, Placed { levels: vec![1, 1], substituted: false }]
    );
}

#[test]
fn an_excluded_run_is_replaced_by_the_nearest_allowed() {
    // [1, 1, 1] excluded: [0, 1, 1] differs on one axis, [0, 0, 0] on three.
    let allowed = vec![vec![0, 0, 0], vec![1, 0, 0], vec![0, 1, 1], vec![1, 1, 0]];
    let placed = place(&[vec![0, 0, 0], vec![1, 1, 1]], &allowed);
    assert_eq!(placed[1], Placed { levels: vec![0, 1, 1], substituted: true });
    assert!(!placed[0].substituted);
}

#[test]
fn a_run_placed_twice_is_kept_once() {
    // Both excluded runs fall on [1, 0, 0]; and a design that folds codes repeats a run.
    let allowed = vec![vec![0, 0, 0], vec![1, 0, 0]];
    let placed = place(&[vec![0, 0, 0], vec![1, 1, 0], vec![1, 0, 1], vec![1, 0, 0]], &allowed);
    assert_eq!(placed.len(), 2);
    assert_eq!(placed[1], Placed { levels: vec![1, 0, 0], substituted: true });
}

#[test]
fn a_design_on_an_excluding_matrix_still_builds_every_allowed_value() {
    let levels = [2, 2, 2, 2, 2, 2, 2];
    let d = two_valued(7, 32);
    // Exclude every combination with the first two flags both on.
    let mut allowed = vec![vec![]];
    for &m in &levels {
        allowed = allowed
            .into_iter()
            .flat_map(|p: Vec<u32>| (0..m as u32).map(move |v| [p.clone(), vec![v]].concat()))
            .collect();
    }
    allowed.retain(|p| !(p[0] == 1 && p[1] == 1));
    let placed = place(&d.points, &allowed);
    assert_eq!(placed.iter().filter(|p| p.substituted).count(), 4, "a quarter of 16 runs");
    assert!(placed.iter().all(|p| allowed.contains(&p.levels)));
    assert!(placed.len() <= 16 && placed.len() > 12);
    assert_eq!(placed[0].levels, vec![0; 7]);
}

use std::collections::BTreeSet;

#[test]
fn mixed_resolution_claims_hold_on_the_runs() {
    let cases: [&[usize]; 9] = [
        &[3, 2, 2, 2],
        &[4, 2, 2, 2, 2],
        &[3, 3, 2, 2, 2],
        &[2, 5, 2, 2, 2, 2, 2],
        &[3, 4, 2, 2, 2, 2, 2, 2],
        &[8, 2, 2, 2],
        &[3, 3, 3, 3],
        &[4, 4, 2, 2, 2],
        &[6, 3, 2, 2, 2, 2, 2, 2, 2, 2],
    ];
    for levels in cases {
        let reference: Vec<u32> = levels.iter().map(|&m| m as u32 - 1).collect();
        for budget in [8, 16, 32, 64] {
            let Ok(d) = choose(levels, &reference, budget) else { continue };
            sound(&d, levels, &reference, budget);
            let at = format!("{levels:?} in {budget}: {:?} {:?}", d.kind, d.resolution);
            assert!(mains_estimable(&d.points, levels, &reference, false), "{at}");
            // The resolution counts words among all of an axis's code contrasts; an axis whose
            // codes fold uses only some of them, so its model can do better than claimed.
            let exact = levels.iter().all(|m| m.is_power_of_two());
            match d.resolution {
                Some(3) => {
                    assert!(!exact || !mains_estimable(&d.points, levels, &reference, true), "{at}: exactly III")
                }
                Some(4) => {
                    assert!(mains_estimable(&d.points, levels, &reference, true), "{at}");
                    let (cols, _) = model(&d.points, levels, &reference, true);
                    assert!(!exact || rank(&cols) < cols.len(), "{at}: exactly IV");
                }
                _ => {
                    let (cols, _) = model(&d.points, levels, &reference, true);
                    assert_eq!(rank(&cols), cols.len(), "{at}: every interaction resolved");
                }
            }
        }
    }
}
