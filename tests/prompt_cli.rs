//! Prompts through the binary: `anpl compile` against the standalone `anpl-fake-model`
//! server, with every request it receives logged and asserted on, and `anpl prompt`, which
//! must print exactly the request compile sends. One sketch per kind of context: a class
//! with a method hole, dataclass values, a decorated hole, an ARC task, inline holes whose
//! arguments are expressions, a repair, a small budget.

// Test helpers unwrap: a failure there is a failed test, reported with its cause.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;
use std::process::Output;

use serde_json::{json, Value};
use support::fake_model::FakeModel;

/// Every request body the model received so far.
fn bodies(server: &FakeModel) -> Vec<Value> {
    server
        .requests()
        .into_iter()
        .map(|r| r["body"].clone())
        .collect()
}

/// The requests whose last message asks for `hole` (in its final section: other holes
/// appear earlier, as stubs).
fn requests_for(server: &FakeModel, hole: &str) -> Vec<Value> {
    let wanted = format!("def {hole}(");
    bodies(server)
        .into_iter()
        .filter(|b| {
            let text = last_message(b);
            let asked = text.rsplit("Implement this function").next().unwrap_or("");
            asked.contains(&wanted)
        })
        .collect()
}

fn last_message(body: &Value) -> String {
    body["messages"]
        .as_array()
        .and_then(|m| m.last())
        .and_then(|m| m["content"].as_str())
        .unwrap_or("")
        .to_string()
}

struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new(files: &[(&str, &str)]) -> Project {
        Project {
            dir: support::bin::dir_with(files),
        }
    }

    fn anpl(&self, args: &[&str]) -> Output {
        support::bin::anpl(self.dir.path(), args)
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.anpl(args);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "anpl {args:?} failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }
}

fn model_args(server: &FakeModel) -> Vec<String> {
    vec![
        "--model".into(),
        "openai-compatible:fake".into(),
        "--base-url".into(),
        server.base(),
        "--samples".into(),
        "1".into(),
        "--repair-rounds".into(),
        "0".into(),
    ]
}

fn with<'a>(base: &[&'a str], extra: &'a [String]) -> Vec<&'a str> {
    base.iter()
        .copied()
        .chain(extra.iter().map(String::as_str))
        .collect()
}

/// `anpl prompt --json`'s preview of `hole`.
fn preview(
    project: &Project,
    server: &FakeModel,
    sketch: &str,
    hole: &str,
    extra: &[&str],
) -> Value {
    let model = model_args(server);
    let mut args = with(&["prompt", sketch, hole, "--json"], &model);
    args.extend_from_slice(extra);
    let doc: Value = serde_json::from_str(&project.ok(&args)).unwrap();
    doc["preview"].clone()
}

/// The section of a preview with this label, if it has one.
fn section(preview: &Value, label: &str) -> Option<String> {
    preview["layout"]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["label"] == label)
        .map(|s| s["text"].as_str().unwrap().to_string())
}

/// The preview's request as the OpenAI wire format sends it.
fn wire_messages(preview: &Value) -> Value {
    let mut messages = vec![json!({"role": "system", "content": preview["request"]["system"]})];
    for m in preview["request"]["messages"].as_array().unwrap() {
        messages.push(json!({"role": m["role"], "content": m["content"]}));
    }
    Value::Array(messages)
}

const BANK: &str = r#"from dataclasses import dataclass
from enum import Enum

MAX_BALANCE = 1000


class Kind(Enum):
    DEPOSIT = 1
    WITHDRAW = 2


@dataclass
class Txn:
    kind: Kind
    amount: int


class Account:
    """A bank account with a running balance and a history of transactions."""

    def __init__(self, owner: str, balance: int = 0):
        self.owner = owner
        self.balance = balance
        self.history: list[Txn] = []

    def deposit(self, amount: int) -> None:
        self.balance += amount
        self.history.append(Txn(Kind.DEPOSIT, amount))

    def withdraw(self, amount: int) -> bool:
        """Take amount out if the balance covers it, record it, and say whether it happened."""


def main(ops: list[tuple[str, int]]) -> int:
    """
    >>> main([("d", 50), ("w", 20), ("w", 100)])
    30
    """
    account = Account("ann")
    for op, n in ops:
        if op == "d":
            account.deposit(n)
        else:
            account.withdraw(n)
    return account.balance
"#;

const WITHDRAW: &str = "def withdraw(self, amount):\n    if amount > self.balance:\n        return False\n    self.balance -= amount\n    self.history.append(Txn(Kind.WITHDRAW, amount))\n    return True";

#[test]
fn a_method_hole_is_sent_with_its_class_and_the_calls_it_receives() {
    let project = Project::new(&[("bank.py", BANK)]);
    let server = FakeModel::answering(project.dir.path(), &[("Take amount out", WITHDRAW)]);
    let shown = preview(&project, &server, "bank.py", "withdraw", &[]);
    assert_eq!(bodies(&server).len(), 0, "anpl prompt sends nothing");

    let class = section(&shown, "class").expect("the method's class");
    assert!(class.contains("class Account:"), "{class}");
    assert!(
        class.contains("\"\"\"A bank account with a running balance"),
        "{class}"
    );
    assert!(
        class.contains(
            "    def __init__(self, owner: str, balance: int = 0):\n        self.owner = owner"
        ),
        "{class}"
    );
    assert!(
        class.contains("    def deposit(self, amount: int) -> None: ..."),
        "{class}"
    );
    assert!(
        class.contains("self.balance, self.history, self.owner"),
        "{class}"
    );
    let types = section(&shown, "definitions").expect("the types its class uses");
    assert!(
        types.contains("@dataclass\nclass Txn:") && types.contains("class Kind(Enum):"),
        "{types}"
    );
    let callers = section(&shown, "callers").expect("main calls account.withdraw(n)");
    assert!(callers.contains("account.withdraw(n)"), "{callers}");
    let observed =
        section(&shown, "observed-calls").expect("withdraw is reached on main's example");
    assert!(observed.contains("amount: int = 20"), "{observed}");
    assert!(observed.contains("not a specification"), "{observed}");

    let model = model_args(&server);
    project.ok(&with(&["compile", "bank.py"], &model));
    let sent = requests_for(&server, "withdraw");
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0]["messages"],
        wire_messages(&shown),
        "anpl prompt shows what compile sends"
    );
    assert_eq!(sent[0]["temperature"], shown["request"]["temperature"]);
    assert_eq!(sent[0]["max_tokens"], shown["request"]["max_tokens"]);
}

// Regression: `account.withdraw(...)` was not a call and `__init__` was reported
// unreachable, so a method hole had no callers and its class's constructor was dead code.
#[test]
fn method_calls_and_constructor_calls_are_calls() {
    let project = Project::new(&[("bank.py", BANK)]);
    let doc: Value = serde_json::from_str(&project.ok(&["holes", "bank.py", "--json"])).unwrap();
    let tree = doc["tree"].as_array().unwrap();
    assert_eq!(tree.len(), 1, "everything is reached from main: {tree:#?}");
    let under_main: Vec<&str> = tree[0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(under_main, vec!["__init__", "deposit", "withdraw"]);
    let withdraw = doc["holes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == "withdraw")
        .unwrap();
    assert_eq!(withdraw["callers"], json!(["main"]));
}

// Regression: method holes were never traced (the worker only wrapped module-level
// functions), so `anpl trace` showed none of their calls.
#[test]
fn method_holes_show_up_in_traces() {
    let project = Project::new(&[("bank.py", BANK)]);
    let out = project.anpl(&["trace", "bank.py"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("withdraw(self=<__anpl_program__.Account object"),
        "{text}"
    );
    assert!(text.contains("amount=20)"), "{text}");
}

const SHAPES: &str = r#"from dataclasses import dataclass
from typing import NamedTuple


class Size(NamedTuple):
    w: int
    h: int


@dataclass
class Rect:
    origin: tuple[int, int]
    size: Size


def area(rect: Rect) -> int:
    """The number of cells the rectangle covers."""


def main(specs: list[list[int]]) -> int:
    """
    >>> main([[0, 0, 2, 3], [1, 1, 4, 1]])
    10
    """
    rects = [Rect((x, y), Size(w, h)) for x, y, w, h in specs]
    return sum(area(r) for r in rects)
"#;

#[test]
fn a_hole_taking_a_dataclass_gets_its_definition_and_its_observed_values() {
    let project = Project::new(&[("shapes.py", SHAPES)]);
    let server = FakeModel::answering(
        project.dir.path(),
        &[(
            "number of cells",
            "def area(rect):\n    return rect.size.w * rect.size.h",
        )],
    );
    let model = model_args(&server);
    let out = project.ok(&with(&["compile", "shapes.py"], &model));
    assert!(out.contains("program examples: 1 of 1 pass"), "{out}");
    let sent = requests_for(&server, "area");
    let text = last_message(&sent[0]);
    assert!(
        text.contains("@dataclass\nclass Rect:\n    origin: tuple[int, int]\n    size: Size"),
        "{text}"
    );
    assert!(
        text.contains("class Size(NamedTuple):\n    w: int\n    h: int"),
        "the type Rect names: {text}"
    );
    assert!(
        text.contains("rect: Rect = Rect(origin=(0, 0), size=Size(w=2, h=3))"),
        "{text}"
    );
    // The first call of an unfilled hole ends the run: one call per example is observed.
    assert!(!text.contains("Call 2"), "{text}");
}

const DECORATED: &str = r#"import functools


@functools.lru_cache(maxsize=None)
def ways(n: int) -> int:
    """The number of ways to climb n stairs taking 1 or 2 steps at a time.

    >>> ways(3)
    3
    """


def main(n: int) -> int:
    return ways(n)
"#;

#[test]
fn decorators_are_shown_with_the_hole_and_kept_out_of_the_answer() {
    let project = Project::new(&[("stairs.py", DECORATED)]);
    let server = FakeModel::answering(
        project.dir.path(),
        &[(
            "ways to climb",
            "def ways(n):\n    return 1 if n < 2 else ways(n - 1) + ways(n - 2)",
        )],
    );
    let model = model_args(&server);
    project.ok(&with(&["compile", "stairs.py"], &model));
    let text = last_message(&requests_for(&server, "ways")[0]);
    assert!(
        text.contains("```python\n@functools.lru_cache(maxsize=None)\ndef ways(n: int) -> int:"),
        "{text}"
    );
    assert!(text.contains("write the `def` without them"), "{text}");
}

#[test]
fn arc_holes_see_the_grids_they_receive_and_the_programs_examples() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sketch = std::fs::read_to_string(root.join("examples/arc_recolor.py")).unwrap();
    let task = std::fs::read_to_string(root.join("examples/arc_recolor.json")).unwrap();
    let project = Project::new(&[("arc.py", &sketch), ("arc.json", &task)]);
    let answers: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("tests/data/arc_recolor_answers.json")).unwrap(),
    )
    .unwrap();
    let code = |i: usize| {
        let a = answers["rules"][i]["answer"].as_str().unwrap();
        a.trim_start_matches("```python\n")
            .trim_end_matches("```")
            .trim()
            .to_string()
    };
    let (objects, largest) = (code(0), code(1));
    let server = FakeModel::answering(
        project.dir.path(),
        &[
            ("find the connected objects", &objects),
            ("find the largest object", &largest),
        ],
    );
    let model = model_args(&server);
    project.ok(&with(
        &["compile", "arc.py", "--examples", "arc.json"],
        &model,
    ));
    let first = last_message(&requests_for(&server, "find_the_connected_objects_of")[0]);
    // The grid the hole receives on each example, drawn as rows of digits.
    assert!(
        first.contains("input_grid: np.ndarray grid 4x4:\n    0100\n    0103\n    0003\n    0003"),
        "{first}"
    );
    assert!(first.contains("(program example 2)"), "{first}");
    // The program's examples, for a hole with none of its own.
    let second = last_message(&requests_for(&server, "find_the_largest_object")[0]);
    assert!(
        second.contains("must do this; `find_the_largest_object` is one step of it"),
        "{second}"
    );
    assert!(
        second.contains("expected result: np.ndarray grid 3x3:\n    220\n    220\n    005"),
        "{second}"
    );

    // Once the first hole is filled, the second one's calls are observed too.
    let shown = preview(
        &project,
        &server,
        "arc.py",
        "find_the_largest_object",
        &["--examples", "arc.json"],
    );
    let observed = section(&shown, "observed-calls").unwrap();
    assert!(
        observed.contains(
            "objects: list[list[tuple[int, int]]] = [[(0, 1), (1, 1)], [(1, 3), (2, 3), (3, 3)]]"
        ),
        "{observed}"
    );
}

const INLINE: &str = r#"def main(sorted_list: list[int], i: int) -> str:
    """
    >>> main([1, 3, 5], 1)
    'odd'
    """
    return "say whether the number is odd or even"(sorted_list[i])
"#;

#[test]
fn inline_holes_with_expression_arguments_get_usable_parameter_names() {
    let project = Project::new(&[("parity.py", INLINE)]);
    let server = FakeModel::answering(
        project.dir.path(),
        &[(
            "odd or even",
            "def say_whether_the_number_is(sorted_list_item):\n    return 'odd' if sorted_list_item % 2 else 'even'",
        )],
    );
    let model = model_args(&server);
    project.ok(&with(&["compile", "parity.py"], &model));
    let text = last_message(&requests_for(&server, "say_whether_the_number_is")[0]);
    assert!(
        text.contains("def say_whether_the_number_is(sorted_list_item):"),
        "{text}"
    );
    assert!(text.contains("sorted_list_item: int = 3"), "{text}");
    assert!(!text.contains("arg1"), "{text}");
}

const REPAIR: &str = r#"def shout(s: str) -> str:
    """Upper-case the text and add an exclamation mark.

    >>> shout('hi')
    'HI!'
    """


def main(s: str) -> str:
    return shout(s)
"#;

#[test]
fn a_repair_prompt_shows_the_failing_call_with_expected_and_actual_values() {
    let project = Project::new(&[("shout.py", REPAIR)]);
    let server = FakeModel::answering(
        project.dir.path(),
        &[("Upper-case the text", "def shout(s):\n    return s.upper()")],
    );
    let mut model = model_args(&server);
    model[7] = "1".into(); // one repair round
    let out = project.anpl(&with(&["compile", "shout.py"], &model));
    assert!(!out.status.success(), "the answer never adds the mark");
    let sent = requests_for(&server, "shout");
    assert_eq!(
        sent.len(),
        3,
        "a first request, one more sample and one repair"
    );
    let repair = last_message(&sent[2]);
    assert!(
        repair.starts_with("That implementation is wrong. When run, it failed like this:\n\nFailing call: shout(s)\n  s: str = 'hi'\n  expected: str = 'HI!'\n  actual: str = 'HI'"),
        "{repair}"
    );
    assert!(repair.ends_with("```"), "the hole comes last: {repair}");

    let shown = preview(&project, &server, "shout.py", "shout", &["--repair"]);
    assert_eq!(
        sent[2]["messages"],
        wire_messages(&shown),
        "anpl prompt --repair shows what compile sends"
    );
}

#[test]
fn a_small_budget_drops_the_least_useful_sections_and_says_which() {
    let project = Project::new(&[("bank.py", BANK)]);
    let server = FakeModel::answering(project.dir.path(), &[("Take amount out", WITHDRAW)]);
    let model = model_args(&server);
    let text = project.ok(&with(
        &["prompt", "bank.py", "withdraw", "--prompt-budget", "540"],
        &model,
    ));
    assert!(
        text.contains("left out to fit the budget: the program's examples (all 1 left out); imports and constants (all 1 left out)"),
        "{text}"
    );
    assert!(!text.contains("MAX_BALANCE"), "{text}");
    assert!(text.contains("class Account:"), "its class is kept: {text}");
    project.ok(&with(
        &["compile", "bank.py", "--prompt-budget", "540"],
        &model,
    ));
    let sent = last_message(&requests_for(&server, "withdraw")[0]);
    assert!(
        !sent.contains("MAX_BALANCE") && sent.contains("class Account:"),
        "{sent}"
    );
}

#[test]
fn prompt_names_the_holes_when_asked_for_one_that_does_not_exist() {
    let project = Project::new(&[("bank.py", BANK)]);
    let out = project.anpl(&["prompt", "bank.py", "deposit"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no hole named `deposit`; its holes are: withdraw"),
        "{err}"
    );
}
