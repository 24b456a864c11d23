//! Whole requests: the sections in order, the hole last, the budget, repairs.

use pretty_assertions::assert_eq;

use super::*;
use crate::exec::PyValue;
use crate::sketch::{parse_source, ParseOptions};

const SHOP: &str = r#"from dataclasses import dataclass

TAX = 0.2


@dataclass
class Item:
    name: str
    price: float


class Cart:
    """Items a customer is buying."""

    def __init__(self):
        self.items: list[Item] = []

    def add(self, item: Item) -> None:
        self.items.append(item)

    def total(self) -> float:
        """The sum of the prices, with TAX added."""


def main(prices: list[float]) -> float:
    cart = Cart()
    for p in prices:
        cart.add(Item("x", p))
    return round(cart.total(), 2)
"#;

fn sketch(text: &str) -> Sketch {
    parse_source("shop.py", text, &ParseOptions::default()).unwrap()
}

fn kinds(layout: &Layout) -> Vec<&'static str> {
    layout.sections.iter().map(|s| s.label).collect()
}

#[test]
fn a_method_hole_gets_its_class_the_types_it_uses_and_its_callers_with_the_hole_last() {
    let s = sketch(SHOP);
    let hole = s.hole("total").unwrap();
    let (request, layout) = request_with_layout(&s, hole, &PromptContext::default(), 0.0, 1, 100);
    assert_eq!(
        kinds(&layout),
        vec!["prelude", "definitions", "class", "callers", "hole"]
    );
    let text = &request.messages[0].content;
    assert!(text.contains("class Cart:\n    \"\"\"Items a customer is buying.\"\"\""));
    assert!(text.contains("def total(self) -> float: ...  # the method to implement"));
    assert!(text.contains("@dataclass\nclass Item:\n    name: str"));
    assert!(
        text.contains("cart.add(Item(\"x\", p))"),
        "main calls it: {text}"
    );
    assert!(text.ends_with("\"\"\"The sum of the prices, with TAX added.\"\"\"\n```"));
    assert!(text.contains("It is a method of `Cart`"));
    assert_eq!(layout.dropped, vec![]);
    assert_eq!(layout.tokens, approx_tokens(&request));
}

#[test]
fn the_budget_drops_the_least_useful_sections_and_says_so() {
    let s = sketch(SHOP);
    let hole = s.hole("total").unwrap();
    let full = request_with_layout(&s, hole, &PromptContext::default(), 0.0, 1, 100).1;
    let ctx = PromptContext {
        budget: full.tokens - 10,
        ..PromptContext::default()
    };
    let (request, layout) = request_with_layout(&s, hole, &ctx, 0.0, 1, 100);
    assert_eq!(layout.dropped.len(), 1);
    assert_eq!(layout.dropped[0].kind, SectionKind::Prelude);
    assert!(approx_tokens(&request) <= ctx.budget);
    assert!(!kinds(&layout).contains(&"prelude"));
}

#[test]
fn observed_calls_come_just_before_the_hole() {
    let text = "import numpy as np\n\ndef main(g: np.ndarray) -> np.ndarray:\n    return `mirror it`(g[::-1])\n";
    let s = sketch(text);
    let hole = &s.holes[0];
    assert_eq!(hole.params[0].name, "g_part");
    let ctx = PromptContext {
        observed: vec![ObservedCall {
            example: 1,
            args: vec![(
                "g_part".into(),
                PyValue {
                    src: "np.array([[1, 0], [0, 0]])".into(),
                    truncated: false,
                },
            )],
            expected: None,
        }],
        ..PromptContext::default()
    };
    let (request, layout) = request_with_layout(&s, hole, &ctx, 0.0, 1, 100);
    assert_eq!(
        kinds(&layout),
        vec!["prelude", "callers", "observed-calls", "hole"]
    );
    assert!(request.messages[0]
        .content
        .contains("Call 1 (program example 1): mirror_it(g_part)\n  g_part: np.ndarray grid 2x2:\n    10\n    00"));
}

#[test]
fn a_positional_parameter_is_named_after_the_value_it_receives() {
    let text = "def main(a, b):\n    return `combine them`(a + b, a)\n";
    let s = sketch(text);
    let hole = &s.holes[0];
    assert_eq!(hole.params[0].name, "arg1");
    let ctx = PromptContext {
        observed: vec![ObservedCall {
            example: 1,
            args: vec![
                (
                    "arg1".into(),
                    PyValue {
                        src: "'xy'".into(),
                        truncated: false,
                    },
                ),
                (
                    "a".into(),
                    PyValue {
                        src: "'x'".into(),
                        truncated: false,
                    },
                ),
            ],
            expected: None,
        }],
        ..PromptContext::default()
    };
    let request = request(&s, hole, &ctx, 0.0, 1, 100);
    let text = &request.messages[0].content;
    assert!(text.contains("def combine_them(text, a):"), "{text}");
    assert!(
        text.contains("combine_them(text, a)\n  text: str = 'xy'"),
        "{text}"
    );
    assert!(!text.contains("arg1"), "{text}");
}

#[test]
fn a_repair_carries_the_same_context_and_ends_with_the_hole() {
    let s = sketch(SHOP);
    let hole = s.hole("total").unwrap();
    let ctx = PromptContext::default();
    let first = request(&s, hole, &ctx, 0.0, 1, 100);
    let (repair, layout) = repair_with_layout(
        &s,
        hole,
        &ctx,
        "def total(self):\n    return 0",
        "main([1.0]) raised ZeroDivisionError: division by zero",
        0.8,
        100,
    );
    assert_eq!(repair.messages.len(), 3);
    assert_eq!(repair.messages[0].content, first.messages[0].content);
    let last = &repair.messages[2].content;
    assert!(last.starts_with("That implementation is wrong."));
    assert!(last.contains("ZeroDivisionError"));
    assert!(last.contains("Find the mistake and write the function again. Implement this function"));
    assert!(last.ends_with("```"));
    assert_eq!(
        layout
            .sections
            .iter()
            .filter(|s| s.message == 2)
            .map(|s| s.label)
            .collect::<Vec<_>>(),
        vec!["failure", "hole"]
    );
}
