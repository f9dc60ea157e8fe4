# Worklogs: the two commands are `make demo` and `make test`.
# Everything builds in the release profile into target/, so wasmtime compiles once
# for the demo, the tests and the benchmarks.

CARGO      ?= cargo
COMPONENT  := target/wasm32-wasip2/release/worklogs_app.wasm
WORKLOGS   := target/release/worklogs
PORT       ?= 8080
FUZZ_SECONDS ?= 60

.PHONY: demo test setup setup-test build component host check node-test bench clean-data

## demo: set up, build and run the local host with the Jira simulator and demo data
demo: setup build
	$(WORKLOGS) serve --demo --port $(PORT)

## test: set up, build and run every test
test: setup-test build check
	$(CARGO) test --release --workspace
	$(MAKE) node-test
	python3 -m pytest -q tests/python
	bash fuzz/run.sh $(FUZZ_SECONDS)

## node-test: the Forge adapter, manifest and lint checks, bundling, and the
## cross-host scenarios on the jco-transpiled component in Node with MariaDB
node-test: node_modules/.package-lock.json
	npm run build
	node --test tests/node/

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

setup:
	bash scripts/setup.sh demo

setup-test:
	bash scripts/setup.sh test

build: component host

component:
	$(CARGO) build --release --target wasm32-wasip2 -p worklogs-app

host:
	$(CARGO) build --release -p worklogs-host -p jira-sim

## check: formatting and lints, warnings are errors
check:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --release --workspace --all-targets -- -D warnings

## bench: the benchmarks (figures go to the notes and docs/performance.md)
bench: build
	$(CARGO) bench -p worklogs-core
	$(CARGO) bench -p worklogs-host
	node tests/node/bench.mjs

clean-data:
	-bash scripts/mariadb.sh stop
	rm -rf .data
