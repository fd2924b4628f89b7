//! The inputs of a run: the seeds (`corpus/seeds.rs`, valid DSL functions the macro must
//! accept), the regressions (`corpus/regressions.rs`, reproducers of defects the harness found,
//! which must never panic, crash or hang again) and the mutants of the seeds. Every input is
//! named by an `InputId`, from which any process rebuilds the same tokens.

use std::fmt;
use std::str::FromStr;

use proc_macro2::{Delimiter, TokenStream, TokenTree};

use crate::mutate;
use crate::tokens::{self, Tok};

pub const SEEDS: &str = include_str!("../corpus/seeds.rs");
pub const REGRESSIONS: &str = include_str!("../corpus/regressions.rs");

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InputId {
    Seed(usize),
    Regression(usize),
    Mutant(u64),
}

impl fmt::Display for InputId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputId::Seed(i) => write!(f, "s{i}"),
            InputId::Regression(i) => write!(f, "r{i}"),
            InputId::Mutant(i) => write!(f, "m{i}"),
        }
    }
}

impl FromStr for InputId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}` is not an input id (s3, r0, m12345)");
        let (kind, number) = s.split_at_checked(1).ok_or_else(bad)?;
        let n: u64 = number.parse().map_err(|_| bad())?;
        match kind {
            "s" => Ok(InputId::Seed(n as usize)),
            "r" => Ok(InputId::Regression(n as usize)),
            "m" => Ok(InputId::Mutant(n)),
            _ => Err(bad()),
        }
    }
}

/// One input, ready to run: its source text and, for a mutant, the mutations applied.
pub struct Input {
    pub id: InputId,
    pub tokens: Vec<Tok>,
    pub mutations: Vec<&'static str>,
}

impl Input {
    pub fn source(&self) -> String {
        tokens::render(&self.tokens)
    }
}

/// Seeds and regressions, tokenised once per process.
pub struct Corpus {
    pub seeds: Vec<Vec<Tok>>,
    pub regressions: Vec<Vec<Tok>>,
    pub seed: u64,
}

impl Corpus {
    /// The corpus of a run with RNG seed `seed`.
    pub fn load(seed: u64) -> Self {
        Corpus {
            seeds: items(SEEDS),
            regressions: items(REGRESSIONS),
            seed,
        }
    }

    pub fn input(&self, id: InputId) -> Input {
        match id {
            InputId::Seed(i) => Input {
                id,
                tokens: self.seeds[i].clone(),
                mutations: Vec::new(),
            },
            InputId::Regression(i) => Input {
                id,
                tokens: self.regressions[i].clone(),
                mutations: Vec::new(),
            },
            InputId::Mutant(i) => {
                let (tokens, mutations) = mutate::mutant(&self.seeds, self.seed, i);
                Input {
                    id,
                    tokens,
                    mutations,
                }
            }
        }
    }
}

/// The function items of a corpus file, each as tokens (its doc comments and attributes
/// included). `use` declarations and other `;`-terminated items are skipped. Splitting the
/// token stream instead of parsing with syn keeps loading cheap and lets a regression be a
/// body too deep for syn's recursive parser.
pub fn items(file: &str) -> Vec<Vec<Tok>> {
    let stream: TokenStream = file.parse().expect("corpus files lex");
    let mut items = Vec::new();
    let mut current = TokenStream::new();
    for tree in stream {
        let ends_item = match &tree {
            TokenTree::Group(g) => g.delimiter() == Delimiter::Brace,
            TokenTree::Punct(p) => p.as_char() == ';',
            _ => false,
        };
        let is_semicolon = matches!(&tree, TokenTree::Punct(_));
        current.extend([tree]);
        if ends_item {
            let item = std::mem::take(&mut current);
            if !is_semicolon {
                let mut flat = Vec::new();
                tokens::flatten(item, &mut flat);
                items.push(flat);
            }
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seeds_are_functions_with_an_attribute() {
        let seeds = items(SEEDS);
        assert!(seeds.len() >= 30, "{} seeds", seeds.len());
        for seed in &seeds {
            let item: syn::ItemFn = syn::parse_str(&tokens::render(seed)).unwrap();
            assert!(!item.attrs.is_empty(), "{}", item.sig.ident);
        }
    }

    #[test]
    fn the_seeds_use_every_dsl_function_and_attribute() {
        let text = tokens::render(&items(SEEDS).concat());
        // Every DSL name of the operation table, then the attributes and the other forms.
        let table: Vec<&str> = matcalc_symbolic::table::entries().map(|e| e.name).collect();
        let words = [
            "grad",
            "jacobian",
            "hessian",
            "vjp",
            "jvp",
            "hvp",
            "row",
            "column",
            "fixed_rows",
            "fixed_columns",
            "fixed_view",
            "vstack",
            "hstack",
            "matrix",
            "f32",
            "Dim",
            "return",
            "let",
        ];
        for word in table.into_iter().chain(words) {
            let pattern = format!(" {word} ");
            assert!(text.contains(&pattern), "no seed uses `{word}`");
        }
    }

    #[test]
    fn ids_print_and_parse_back() {
        for id in [
            InputId::Seed(3),
            InputId::Regression(0),
            InputId::Mutant(123),
        ] {
            assert_eq!(id.to_string().parse::<InputId>(), Ok(id));
        }
        assert!("x1".parse::<InputId>().is_err());
    }

    #[test]
    fn a_mutant_is_rebuilt_identically() {
        let corpus = Corpus::load(5);
        let a = corpus.input(InputId::Mutant(42));
        let b = Corpus::load(5).input(InputId::Mutant(42));
        assert_eq!(a.tokens, b.tokens);
        assert_eq!(a.mutations, b.mutations);
    }
}
