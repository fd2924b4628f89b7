//! Token-level mutations of a seed. Each mutant applies one to five of them. Most are small
//! edits (delete, duplicate, swap, replace a token by one of its kind); a few build inputs of
//! extreme size (deep nesting, long sums, repeated statements, huge literals), the inputs that
//! probe recursion depth and work that grows with the input.

use crate::rng::Rng;
use crate::tokens::{body_start, Kind, Tok};

/// Identifiers worth trying: DSL names, near misses, types, keywords, raw identifiers and the
/// names of the engine's generated temporaries.
/// The DSL's names come from the operation table, so a new operation is mutated into as soon
/// as it is declared.
fn idents() -> &'static [&'static str] {
    static IDENTS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    IDENTS.get_or_init(|| {
        matcalc_symbolic::table::entries()
            .map(|e| e.name)
            .chain(OTHER_IDENTS.iter().copied())
            .collect()
    })
}

/// The rest: near misses, types, keywords, raw identifiers and generated temporaries' names.
const OTHER_IDENTS: &[&str] = &[
    "trace",
    "ln",
    "transpose",
    "identity",
    "pow",
    "Matrix",
    "Vector",
    "U1",
    "U2",
    "U3",
    "U4",
    "U6",
    "U0",
    "U",
    "Dim",
    "Dyn",
    "f32",
    "f64",
    "i32",
    "usize",
    "Self",
    "self",
    "let",
    "mut",
    "fn",
    "pub",
    "const",
    "unsafe",
    "async",
    "return",
    "if",
    "else",
    "for",
    "in",
    "loop",
    "while",
    "match",
    "move",
    "ref",
    "where",
    "impl",
    "dyn",
    "crate",
    "super",
    "r#loop",
    "r#fn",
    "r#tr",
    "r#X",
    "__t0",
    "__t1",
    "__t2",
    "__t3",
    "__lu0",
    "__lu1",
    "A",
    "B",
    "X",
    "Y",
    "W",
    "x",
    "y",
    "v",
    "s",
    "h",
    "_",
    "grad",
    "jacobian",
    "hessian",
    "matcalc",
    "core",
    "std",
    "f",
    "f_grad",
    "cfg",
    "allow",
    "doc",
    "inline",
    "NaN",
    "INFINITY",
];

const LITERALS: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "0.0",
    "1.0",
    "0.5",
    "2.5",
    "1e308",
    "1e-308",
    "1e-320",
    "1e309",
    "5e-324",
    "1.7976931348623157e308",
    "1e38",
    "1e-45",
    "4294967295",
    "4294967296",
    "2147483647",
    "2147483648",
    "1000000000",
    "1048576",
    "18446744073709551615",
    "340282366920938463463374607431768211455",
    "0x10",
    "0b101",
    "1_000",
    "3f32",
    "2.0f64",
    "1u8",
    "7usize",
    "\"text\"",
    "'c'",
    "b'x'",
    "b\"bytes\"",
    "true",
    "false",
    "1.",
    "1e",
    "0.",
];

const PUNCTS: &[&str] = &[
    "+", "-", "*", "/", "%", "^", "&", "|", "!", "=", "==", "!=", "<", ">", "<=", ">=", "&&", "||",
    ".", ",", ";", ":", "::", "->", "=>", "#", "?", "@", "+=", "-=", "*=", "/=", "..", "..=", "<<",
    ">>", "$", "~",
];

/// Snippets inserted whole: attributes on statements and functions, qualifiers the macro must
/// reject at their token, and fragments of other DSL forms.
const SNIPPETS: &[&str] = &[
    "#[cfg(any())]",
    "#[allow(unused)]",
    "#![allow(unused)]",
    "#[inline]",
    "#[grad(X)]",
    "#[jacobian(x)]",
    "#[hessian(x)]",
    "#[matcalc::grad(X)]",
    "#[doc = \"text\"]",
    "const",
    "unsafe",
    "async",
    "extern \"C\"",
    "pub(crate)",
    "-> ()",
    "-> f64",
    "-> Matrix<U3, U3>",
    ";",
    "let z = x;",
    "let y = y * y;",
    "return",
    "mut",
    "&mut",
    "'a",
    "<N: Dim>",
    "where N: Dim",
    "::<U3>",
    ".t()",
    ".inv()",
    "as f32",
    "?",
    "[0]",
    "(1, 2)",
    "{}",
    "x: f64,",
    "X: &Matrix<U3, U3>,",
    "A: Matrix<U<1000000>, U<1000000>>,",
    "v: &Vector<U0>,",
];

/// Unary DSL functions used to nest.
const UNARY: &[&str] = &[
    "exp", "log", "sin", "tanh", "sigmoid", "inv", "tr", "sqrt", "abs", "relu", "softplus",
];

/// The mutants of a run: mutant `index` of the run seeded with `seed`, and the names of the
/// mutations applied, in order. Most random edits break the syntax, and such input only tests
/// syn; so for 85% of the indices mutants are drawn again (up to 8 times) until one parses as a
/// function. Nested mutants are kept as drawn: checking them would run syn's recursive parser
/// outside the worker's guarded thread.
pub fn mutant(seeds: &[Vec<Tok>], seed: u64, index: u64) -> (Vec<Tok>, Vec<&'static str>) {
    let mut rng = Rng::for_input(seed, index);
    let want_syntax = rng.percent(85);
    let mut attempt = 0;
    loop {
        let (tokens, applied) = draw(seeds, &mut rng);
        attempt += 1;
        let keep = !want_syntax
            || attempt == 8
            || applied.contains(&"nest")
            || syn::parse_str::<syn::ItemFn>(&crate::tokens::render(&tokens)).is_ok();
        if keep {
            return (tokens, applied);
        }
    }
}

/// The mutations that can make an input arbitrarily large or deep.
pub const SIZE_EXTREME: &[&str] = &["nest", "long-sum", "repeat", "extreme-number"];

fn draw(seeds: &[Vec<Tok>], rng: &mut Rng) -> (Vec<Tok>, Vec<&'static str>) {
    let mut tokens = rng.pick(seeds).clone();
    let mut applied = Vec::new();
    let mut count = 1;
    while count < 5 && rng.percent(45) {
        count += 1;
    }
    for _ in 0..count {
        applied.push(mutate(&mut tokens, seeds, rng));
    }
    (tokens, applied)
}

/// Applies one mutation chosen at random and returns its name.
fn mutate(tokens: &mut Vec<Tok>, seeds: &[Vec<Tok>], rng: &mut Rng) -> &'static str {
    if tokens.is_empty() {
        tokens.push(Tok::new("fn", Kind::Ident));
        return "insert";
    }
    let roll = rng.below(1000);
    // Cumulative weights in per mille: small edits first, size-extreme mutations last.
    match roll {
        0..=119 => {
            let i = rng.below(tokens.len());
            tokens.remove(i);
            "delete"
        }
        120..=179 => {
            let i = rng.below(tokens.len());
            let len = rng.between(2, 8).min(tokens.len() - i);
            tokens.drain(i..i + len);
            "delete-range"
        }
        180..=269 => {
            let i = rng.below(tokens.len());
            tokens.insert(i, tokens[i].clone());
            "duplicate"
        }
        270..=349 => {
            let i = rng.below(tokens.len());
            let j = if rng.percent(60) {
                (i + 1).min(tokens.len() - 1)
            } else {
                rng.below(tokens.len())
            };
            tokens.swap(i, j);
            "swap"
        }
        350..=489 => replace_of_kind(tokens, rng, Kind::Ident, idents(), "replace-ident"),
        490..=569 => replace_of_kind(tokens, rng, Kind::Literal, LITERALS, "replace-literal"),
        570..=669 => replace_of_kind(tokens, rng, Kind::Punct, PUNCTS, "replace-punct"),
        670..=699 => {
            let i = rng.below(tokens.len());
            tokens[i] = random_token(rng);
            "replace-any"
        }
        700..=759 => {
            let i = rng.below(tokens.len() + 1);
            tokens.insert(i, random_token(rng));
            "insert"
        }
        760..=829 => {
            let text: &&str = rng.pick(SNIPPETS);
            let snippet = crate::tokens::lex(text).unwrap_or_default();
            let i = rng.below(tokens.len() + 1);
            tokens.splice(i..i, snippet);
            "insert-snippet"
        }
        830..=869 => {
            let donor = rng.pick(seeds);
            let start = rng.below(donor.len());
            let len = rng.between(1, 12).min(donor.len() - start);
            let i = rng.below(tokens.len() + 1);
            tokens.splice(i..i, donor[start..start + len].iter().cloned());
            "splice"
        }
        870..=909 => {
            let i = rng.below(tokens.len());
            let len = rng.between(1, 16).min(tokens.len() - i);
            let times = size(rng, 2, 8, 40);
            let range: Vec<Tok> = tokens[i..i + len].to_vec();
            let repeated: Vec<Tok> = std::iter::repeat_n(range, times - 1).flatten().collect();
            tokens.splice(i..i, repeated);
            "repeat"
        }
        910..=949 => nest(tokens, rng),
        950..=974 => long_sum(tokens, rng),
        _ => {
            let extreme = *rng.pick(&[
                "1000000000",
                "4294967295",
                "2147483647",
                "65536",
                "1048576",
                "1e308",
                "1e-320",
                "0",
            ]);
            replace_of_kind(tokens, rng, Kind::Literal, &[extreme], "extreme-number")
        }
    }
}

/// A size for a size-extreme mutation: usually small, sometimes in the hundreds, rarely up to
/// `huge`.
fn size(rng: &mut Rng, lo: usize, small: usize, huge: usize) -> usize {
    match rng.below(100) {
        0..=69 => rng.between(lo, small),
        70..=94 => rng.between(small, (small * 16).min(huge)),
        _ => rng.between(small, huge),
    }
}

fn random_token(rng: &mut Rng) -> Tok {
    match rng.below(4) {
        0 => Tok::new(rng.pick::<&str>(idents()), Kind::Ident),
        1 => Tok::new(rng.pick::<&str>(LITERALS), Kind::Literal),
        2 => Tok::new(rng.pick::<&str>(PUNCTS), Kind::Punct),
        _ => {
            let delimiters = ["(", ")", "[", "]", "{", "}"];
            let text = *rng.pick(&delimiters);
            let kind = if "([{".contains(text) {
                Kind::Open
            } else {
                Kind::Close
            };
            Tok::new(text, kind)
        }
    }
}

/// Replaces a random token of `kind` (any token if there is none) with one from `choices`.
fn replace_of_kind(
    tokens: &mut [Tok],
    rng: &mut Rng,
    kind: Kind,
    choices: &[&str],
    name: &'static str,
) -> &'static str {
    let positions: Vec<usize> = (0..tokens.len())
        .filter(|&i| tokens[i].kind == kind)
        .collect();
    let i = if positions.is_empty() {
        rng.below(tokens.len())
    } else {
        *rng.pick(&positions)
    };
    let text = *rng.pick(choices);
    tokens[i] = Tok::new(text, kind);
    name
}

/// An identifier in the body, the operand that size-extreme mutations grow.
fn body_operand(tokens: &[Tok], rng: &mut Rng) -> Option<usize> {
    let start = body_start(tokens);
    let operands: Vec<usize> = (start..tokens.len())
        .filter(|&i| {
            tokens[i].kind == Kind::Ident
                && !matches!(tokens[i].text.as_str(), "let" | "return" | "mut")
                && tokens.get(i + 1).is_none_or(|t| t.text != "(")
                && (i == 0 || tokens[i - 1].text != ".")
        })
        .collect();
    (!operands.is_empty()).then(|| *rng.pick(&operands))
}

/// Nests an operand `depth` times: `exp(exp(..x..))`, `-(-(..x..))`, `(x * (x * ..x..))` or
/// `((..x..))`.
fn nest(tokens: &mut Vec<Tok>, rng: &mut Rng) -> &'static str {
    let Some(i) = body_operand(tokens, rng) else {
        return "nest-none";
    };
    let depth = size(rng, 2, 16, 3000);
    let x = tokens[i].clone();
    let (open, close): (Vec<Tok>, Vec<Tok>) = match rng.below(4) {
        0 => {
            let f = *rng.pick(UNARY);
            (
                vec![Tok::new(f, Kind::Ident), Tok::new("(", Kind::Open)],
                vec![Tok::new(")", Kind::Close)],
            )
        }
        1 => (
            vec![Tok::new("-", Kind::Punct), Tok::new("(", Kind::Open)],
            vec![Tok::new(")", Kind::Close)],
        ),
        2 => (
            vec![
                Tok::new("(", Kind::Open),
                x.clone(),
                Tok::new("*", Kind::Punct),
            ],
            vec![Tok::new(")", Kind::Close)],
        ),
        _ => (
            vec![Tok::new("(", Kind::Open)],
            vec![Tok::new(")", Kind::Close)],
        ),
    };
    let mut replacement = Vec::with_capacity(depth * (open.len() + close.len()) + 1);
    for _ in 0..depth {
        replacement.extend(open.iter().cloned());
    }
    replacement.push(x);
    for _ in 0..depth {
        replacement.extend(close.iter().cloned());
    }
    tokens.splice(i..=i, replacement);
    "nest"
}

/// Replaces an operand `x` with `x + x + .. + x` (or `-`, `*`): long flat chains.
fn long_sum(tokens: &mut Vec<Tok>, rng: &mut Rng) -> &'static str {
    let Some(i) = body_operand(tokens, rng) else {
        return "long-sum-none";
    };
    let terms = size(rng, 2, 64, 12_000);
    let op = *rng.pick(&["+", "+", "-", "*"]);
    let x = tokens[i].clone();
    let mut replacement = Vec::with_capacity(terms * 2);
    for term in 0..terms {
        if term > 0 {
            replacement.push(Tok::new(op, Kind::Punct));
        }
        replacement.push(x.clone());
    }
    tokens.splice(i..=i, replacement);
    "long-sum"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{items, SEEDS};

    #[test]
    fn mutants_differ_from_their_seed_and_every_mutation_occurs() {
        // `mutant` parses its candidates with syn, which needs rustc's 8 MiB for the deepest
        // nests, as the driver's workers have; a test thread has 2 MiB.
        std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn(every_mutation_occurs)
            .expect("a thread")
            .join()
            .expect("no panic");
    }

    fn every_mutation_occurs() {
        let seeds = items(SEEDS);
        let mut names = std::collections::BTreeSet::new();
        let mut changed = 0;
        for index in 0..3000 {
            let (tokens, applied) = mutant(&seeds, 1, index);
            changed += usize::from(!seeds.contains(&tokens));
            names.extend(applied);
        }
        assert!(changed > 2700, "only {changed} of 3000 mutants changed");
        for name in [
            "delete",
            "delete-range",
            "duplicate",
            "swap",
            "replace-ident",
            "replace-literal",
            "replace-punct",
            "replace-any",
            "insert",
            "insert-snippet",
            "splice",
            "repeat",
            "nest",
            "long-sum",
            "extreme-number",
        ] {
            assert!(names.contains(name), "`{name}` never applied");
        }
    }

    #[test]
    fn nesting_wraps_an_operand_depth_times() {
        let mut tokens = crate::tokens::lex("fn f(x: f64) -> f64 { x }").unwrap();
        let mut rng = Rng::for_input(0, 0);
        assert_eq!(nest(&mut tokens, &mut rng), "nest");
        let opens = tokens.iter().filter(|t| t.text == "(").count();
        let closes = tokens.iter().filter(|t| t.text == ")").count();
        assert_eq!(opens, closes);
        assert!(opens >= 3, "{}", crate::tokens::render(&tokens));
    }
}
