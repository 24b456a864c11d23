use super::sequence::slice_indices;
use super::*;
use pretty_assertions::assert_eq;

fn s(x: &str) -> Value {
    Value::str(x)
}
fn i(x: i64) -> Value {
    Value::Int(x)
}
fn ints(v: &[i64]) -> Value {
    Value::list(v.iter().map(|x| Value::Int(*x)).collect())
}
fn run(op: Op, args: &[Value]) -> Option<String> {
    let refs: Vec<&Value> = args.iter().collect();
    apply(op, &refs).map(|v| v.repr())
}

#[test]
fn floor_division_and_modulo_of_negatives() {
    assert_eq!(run(Op::FloorDiv, &[i(-7), i(2)]), Some("-4".into()));
    assert_eq!(run(Op::FloorDiv, &[i(7), i(-2)]), Some("-4".into()));
    assert_eq!(run(Op::Mod, &[i(-7), i(2)]), Some("1".into()));
    assert_eq!(run(Op::Mod, &[i(7), i(-2)]), Some("-1".into()));
    assert_eq!(run(Op::Mod, &[i(-6), i(3)]), Some("0".into()));
    assert_eq!(run(Op::Mod, &[i(1), i(0)]), None, "ZeroDivisionError");
    assert_eq!(run(Op::FloorDiv, &[i(i64::MIN), i(-1)]), None, "overflow");
}

#[test]
fn slicing_with_negative_steps() {
    assert_eq!(run(Op::Reverse, &[s("abc")]), Some("'cba'".into()));
    assert_eq!(
        run(Op::SliceStep, &[ints(&[1, 2, 3, 4, 5]), i(-2)]),
        Some("[5, 3, 1]".into())
    );
    assert_eq!(
        run(Op::SliceStep, &[s("abcdef"), i(2)]),
        Some("'ace'".into())
    );
    assert_eq!(run(Op::SliceStep, &[s("abc"), i(0)]), None, "ValueError");
    assert_eq!(
        run(Op::SliceFrom, &[s("hello"), i(-3)]),
        Some("'llo'".into())
    );
    assert_eq!(
        run(Op::SliceTo, &[ints(&[1, 2]), i(5)]),
        Some("[1, 2]".into())
    );
    assert_eq!(run(Op::Slice, &[s("hello"), i(3), i(1)]), Some("''".into()));
    assert_eq!(
        run(Op::Slice, &[s("hello"), i(-4), i(-1)]),
        Some("'ell'".into())
    );
    assert_eq!(
        slice_indices(5, Some(-1), Some(-6), -1),
        Some(vec![4, 3, 2, 1, 0])
    );
    assert_eq!(slice_indices(5, Some(10), None, -2), Some(vec![4, 2, 0]));
}

#[test]
fn repetition_and_arithmetic() {
    assert_eq!(run(Op::Mul, &[s("ab"), i(3)]), Some("'ababab'".into()));
    assert_eq!(run(Op::Mul, &[s("ab"), i(-1)]), Some("''".into()));
    assert_eq!(
        run(Op::Mul, &[ints(&[1, 2]), i(2)]),
        Some("[1, 2, 1, 2]".into())
    );
    assert_eq!(run(Op::TrueDiv, &[i(9), i(2)]), Some("4.5".into()));
    assert_eq!(run(Op::TrueDiv, &[i(6), i(3)]), Some("2.0".into()));
    assert_eq!(run(Op::Pow, &[i(2), i(-1)]), None);
    assert_eq!(run(Op::Add, &[i(i64::MAX), i(1)]), None);
    assert_eq!(run(Op::Round, &[Value::Float(2.5)]), Some("2".into()));
    assert_eq!(run(Op::Round, &[Value::Float(3.5)]), Some("4".into()));
    assert_eq!(run(Op::Round, &[Value::Float(-0.5)]), Some("0".into()));
    assert_eq!(
        run(Op::StrOf, &[Value::Float(1e16)]),
        Some("'1e+16'".into())
    );
}

#[test]
fn sorting_is_stable_and_reverse_keeps_ties_in_order() {
    let words = Value::list(vec![s("bb"), s("a"), s("cc"), s("d")]);
    assert_eq!(
        run(Op::SortedByLen, std::slice::from_ref(&words)),
        Some("['a', 'd', 'bb', 'cc']".into())
    );
    assert_eq!(
        run(Op::MaxByLen, std::slice::from_ref(&words)),
        Some("'bb'".into())
    );
    assert_eq!(run(Op::MinByLen, &[words]), Some("'a'".into()));
    assert_eq!(
        run(Op::SortedDesc, &[ints(&[3, 1, 2])]),
        Some("[3, 2, 1]".into())
    );
    let mixed = Value::list(vec![i(1), s("a")]);
    assert_eq!(run(Op::Sorted, &[mixed]), None, "TypeError in Python");
    assert_eq!(run(Op::Max, &[ints(&[])]), None, "ValueError in Python");
}

#[test]
fn string_methods() {
    assert_eq!(
        run(Op::Title, &[s("they're a1b")]),
        Some("\"They'Re A1B\"".into())
    );
    assert_eq!(
        run(Op::Capitalize, &[s("hELLO wORLD")]),
        Some("'Hello world'".into())
    );
    assert_eq!(
        run(Op::SplitWs, &[s("  a \x1c b\t")]),
        Some("['a', 'b']".into())
    );
    assert_eq!(
        run(Op::Split, &[s("a,,b"), s(",")]),
        Some("['a', '', 'b']".into())
    );
    assert_eq!(run(Op::Split, &[s(""), s(",")]), Some("['']".into()));
    assert_eq!(run(Op::Split, &[s("a"), s("")]), None);
    assert_eq!(run(Op::Count, &[s("aaaa"), s("aa")]), Some("2".into()));
    assert_eq!(run(Op::Count, &[s("ab"), s("")]), Some("3".into()));
    assert_eq!(run(Op::ZFill, &[s("7"), i(3)]), Some("'007'".into()));
    assert_eq!(run(Op::ZFill, &[s("-7"), i(3)]), Some("'-07'".into()));
    assert_eq!(run(Op::ZFill, &[s("1234"), i(3)]), Some("'1234'".into()));
    assert_eq!(run(Op::ZFill, &[s("5"), i(-1)]), Some("'5'".into()));
    assert_eq!(run(Op::Find, &[s("héllo"), s("l")]), Some("2".into()));
    assert_eq!(run(Op::Find, &[s("abc"), s("z")]), Some("-1".into()));
    assert_eq!(run(Op::IndexOf, &[s("abc"), s("z")]), None);
    assert_eq!(
        run(Op::Replace, &[s("ab"), s(""), s("-")]),
        Some("'-a-b-'".into())
    );
    assert_eq!(run(Op::IsDigit, &[s("")]), Some("False".into()));
    assert_eq!(run(Op::IsUpper, &[s("A1")]), Some("True".into()));
    assert_eq!(run(Op::IsUpper, &[s("12")]), Some("False".into()));
    assert_eq!(run(Op::IntOf, &[s(" -1_000 ")]), Some("-1000".into()));
    assert_eq!(run(Op::IntOf, &[s("1__0")]), None);
    assert_eq!(run(Op::IntOf, &[s("x")]), None);
    assert_eq!(run(Op::Index, &[s("abc"), i(-1)]), Some("'c'".into()));
    assert_eq!(run(Op::Index, &[s("abc"), i(3)]), None, "IndexError");
    assert_eq!(run(Op::Upper, &[s("straße")]), Some("'STRASSE'".into()));
}

#[test]
fn containers() {
    let g = Value::list(vec![ints(&[1, 2, 3]), ints(&[4, 5, 6])]);
    assert_eq!(
        run(Op::Transpose, std::slice::from_ref(&g)),
        Some("[[1, 4], [2, 5], [3, 6]]".into())
    );
    assert_eq!(run(Op::Flatten, &[g]), Some("[1, 2, 3, 4, 5, 6]".into()));
    assert_eq!(
        run(Op::Zip, &[ints(&[1, 2, 3]), s("ab")]),
        Some("[(1, 'a'), (2, 'b')]".into())
    );
    assert_eq!(run(Op::SetOf, &[ints(&[3, 1, 3])]), Some("{1, 3}".into()));
    assert_eq!(
        run(
            Op::Sum,
            &[Value::list(vec![Value::Bool(true), Value::Bool(true)])]
        ),
        Some("2".into())
    );
    assert_eq!(
        run(Op::Sum, &[Value::list(vec![Value::Float(0.1)])]),
        None,
        "float sums differ across Pythons"
    );
    assert_eq!(run(Op::Prod, &[ints(&[])]), Some("1".into()));
    assert_eq!(
        run(Op::Min2, &[Value::Float(0.0), Value::Float(-0.0)]),
        Some("0.0".into())
    );
    assert_eq!(run(Op::Range2, &[i(2), i(5)]), Some("[2, 3, 4]".into()));
    assert_eq!(run(Op::Range, &[i(1 << 40)]), None, "too large to build");
}
