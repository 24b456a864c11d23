//! Model-client figures: 16 requests against a local server that answers after 300 ms, sent
//! concurrently (how the compile engine sends independent holes) and one after another, and
//! the cost of extracting code from a typical answer and of naming a cache entry.
//! Run: `cargo bench --bench llm`. Results are in docs/benchmarks.md.

use std::time::Duration;

use anpl::llm::fake_server::{FakeRule, FakeServer, FakeTable};
use anpl::llm::provider::Endpoint;
use anpl::llm::{
    cache_key, extract, providers, ChatRequest, Client, ExtractTarget, HttpSettings, Message,
};
use criterion::{criterion_group, criterion_main, Criterion};
use futures::future::join_all;
use tokio_util::sync::CancellationToken;

const ANSWER: &str = "Here is an implementation.\n\n```python\nimport numpy as np\nfrom collections import Counter\n\nBACKGROUND = 0\n\ndef _neighbours(g, r, c):\n    for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):\n        rr, cc = r + dr, c + dc\n        if 0 <= rr < len(g) and 0 <= cc < len(g[0]):\n            yield rr, cc\n\ndef _fill(g, r, c, seen):\n    stack = [(r, c)]\n    cells = []\n    while stack:\n        r, c = stack.pop()\n        if (r, c) in seen or g[r][c] == BACKGROUND:\n            continue\n        seen.add((r, c))\n        cells.append((r, c))\n        stack.extend(_neighbours(g, r, c))\n    return cells\n\ndef largest_object(grid):\n    g = np.array(grid).tolist()\n    seen = set()\n    best = []\n    for r in range(len(g)):\n        for c in range(len(g[0])):\n            cells = _fill(g, r, c, seen)\n            if len(cells) > len(best):\n                best = cells\n    colours = Counter(g[r][c] for r, c in best)\n    return best, colours.most_common(1)\n\nprint(largest_object([[1, 1], [0, 2]]))\n```\n\nThe helper `_fill` does a flood fill.";

fn request(i: usize) -> ChatRequest {
    ChatRequest {
        system: "You implement Python functions.".into(),
        messages: vec![Message::user(format!(
            "Implement hole number {i}: double it"
        ))],
        temperature: 0.8,
        max_tokens: 256,
        n: 1,
    }
}

fn bench_requests(c: &mut Criterion) {
    let Ok(rt) = tokio::runtime::Runtime::new() else {
        return;
    };
    let table = FakeTable {
        rules: vec![FakeRule::new("double it", "def f(x):\n    return 2 * x")],
        default: None,
        delay_ms: 300,
        api_key: None,
        supports_n: true,
        seed: 0,
    };
    let Ok(server) = rt.block_on(FakeServer::start(table)) else {
        return;
    };
    let Some(info) = providers::builtin()
        .into_iter()
        .find(|p| p.name == "openai-compatible")
    else {
        return;
    };
    let endpoint = Endpoint {
        provider: info,
        model: "fake".into(),
        base_url: server.openai_base(),
        api_key: None,
    };
    let Ok(client) = Client::new(endpoint, HttpSettings::default(), CancellationToken::new())
    else {
        return;
    };
    let mut group = c.benchmark_group("16 requests, 300 ms server");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.bench_function("concurrent", |b| {
        b.iter(|| {
            rt.block_on(async {
                let reqs: Vec<ChatRequest> = (0..16).map(request).collect();
                join_all(reqs.iter().map(|r| client.complete(r))).await
            })
        })
    });
    group.bench_function("sequential", |b| {
        b.iter(|| {
            rt.block_on(async {
                let mut out = Vec::new();
                for i in 0..16 {
                    out.push(client.complete(&request(i)).await);
                }
                out
            })
        })
    });
    group.finish();
}

fn bench_extract(c: &mut Criterion) {
    let target = ExtractTarget {
        name: "the_largest_object".into(),
        inline: true,
        forbidden: vec!["main".into()],
    };
    c.bench_function("extract a 40-line answer (inline hole)", |b| {
        b.iter(|| extract(ANSWER, &target))
    });
    let req = request(0);
    c.bench_function("cache_key", |b| {
        b.iter(|| cache_key("openai:gpt-4o-mini", &req, 3))
    });
}

criterion_group!(benches, bench_requests, bench_extract);
criterion_main!(benches);
