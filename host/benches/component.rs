//! The component's costs on the wasmtime host: its size, compiling it, a fresh
//! instance, and the overhead of one effect round trip (the `resume` that
//! returns a `wait` and the `resume` that answers it), with the effects answered
//! from memory so no I/O is measured.
//!
//! The round trip uses the first operation that waits for effects with an empty
//! input as the first demo person; its answers are recorded once against the
//! in-process simulator and SQLite, then replayed.
//!
//! `cargo bench -p worklogs-host` (the component must be built: `make build`).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use worklogs_host::protocol::{Answer, Context, EntryPoint, Request, Step};
use worklogs_host::{locate_component, App, Config, JiraTarget, Limits, Performer, Runtime};

/// Performs effects with `inner` and keeps every batch of answers.
struct Recorder<'a, P> {
    inner: &'a P,
    batches: Mutex<Vec<Vec<Answer>>>,
}

impl<P: Performer> Performer for Recorder<'_, P> {
    // Whole batches, so that the replay answers each with the same requests.
    fn in_parts(&self) -> bool {
        false
    }

    async fn perform(&self, ctx: &Context, requests: Vec<Request>) -> Vec<Answer> {
        let answers = self.inner.perform(ctx, requests).await;
        self.batches.lock().unwrap().push(answers.clone());
        answers
    }
}

/// Answers each batch with the recorded one of the same rank.
struct Replay {
    batches: Vec<Vec<Answer>>,
    next: Mutex<usize>,
}

impl Performer for Replay {
    fn in_parts(&self) -> bool {
        false
    }

    async fn perform(&self, _ctx: &Context, _requests: Vec<Request>) -> Vec<Answer> {
        let mut next = self.next.lock().unwrap();
        *next += 1;
        self.batches[(*next - 1) % self.batches.len()].clone()
    }
}

/// An operation that waits for effects, its context and its recorded answers.
struct Recorded {
    operation: String,
    ctx: Context,
    batches: Vec<Vec<Answer>>,
}

async fn record(runtime: Arc<Runtime>) -> Recorded {
    let data = tempfile::tempdir().unwrap();
    let config = Config {
        data_dir: data.path().to_path_buf(),
        installation: "bench".into(),
        jira: JiraTarget::Demo { seed: 42 },
    };
    let app = App::start(Arc::clone(&runtime), config).await.unwrap();
    let demo = app.demo().unwrap();
    let ctx = app.host().context(
        EntryPoint::Person,
        Some(demo.people()[0].account_id.clone()),
    );
    for operation in runtime.operations().await.unwrap() {
        let recorder = Recorder {
            inner: app.host().effects(),
            batches: Mutex::new(Vec::new()),
        };
        let result = runtime.run(&ctx, &operation, "{}", &recorder).await;
        let batches = recorder.batches.into_inner().unwrap();
        if result.is_ok() && !batches.is_empty() {
            return Recorded {
                operation,
                ctx,
                batches,
            };
        }
    }
    panic!("no operation waits for effects and succeeds with an empty input");
}

fn bench(c: &mut Criterion) {
    let path = locate_component(None).unwrap_or_else(|err| panic!("{err}"));
    let bytes = std::fs::read(&path).unwrap();
    println!("component: {} ({} bytes)", path.display(), bytes.len());
    let tokio = tokio::runtime::Runtime::new().unwrap();

    let mut group = c.benchmark_group("component");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("compile", |b| {
        b.iter(|| Runtime::from_binary(&bytes, Limits::default()).unwrap())
    });
    group.finish();

    let runtime = Arc::new(Runtime::from_binary(&bytes, Limits::default()).unwrap());
    c.bench_function("instantiate", |b| {
        b.iter(|| tokio.block_on(runtime.instantiate()).unwrap())
    });

    let recorded = tokio.block_on(record(Arc::clone(&runtime)));
    println!(
        "round trip: operation {:?}, {} batch(es), {} answer(s) in the first",
        recorded.operation,
        recorded.batches.len(),
        recorded.batches[0].len()
    );
    c.bench_function("effect round trip", |b| {
        b.iter_custom(|iterations| {
            tokio.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    let mut task = runtime
                        .instantiate()
                        .await
                        .unwrap()
                        .start(&recorded.ctx, &recorded.operation, "{}")
                        .await
                        .unwrap();
                    let started = Instant::now();
                    let step = task.resume(&[]).await.unwrap();
                    assert!(matches!(step, Step::Wait(_)));
                    task.resume(&recorded.batches[0]).await.unwrap();
                    total += started.elapsed();
                }
                total
            })
        })
    });
    c.bench_function("whole task from memory", |b| {
        b.iter(|| {
            let replay = Replay {
                batches: recorded.batches.clone(),
                next: Mutex::new(0),
            };
            tokio
                .block_on(runtime.run(&recorded.ctx, &recorded.operation, "{}", &replay))
                .unwrap()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
