# Worklogs: the two commands are `make demo` and `make test`.
# Everything builds in the release profile into target/, so wasmtime compiles once
# for the demo, the tests and the benchmarks.

CARGO      ?= cargo
COMPONENT  := target/wasm32-wasip2/release/worklogs_app.wasm
WORKLOGS   := target/release/worklogs
PORT       ?= 8080
FUZZ_SECONDS ?= 60

.PHONY: demo test test-build setup setup-test build component host ui ui-test check node-test bench clean-data

## demo: set up, build and run the local host with the Jira simulator and demo data
demo: setup build ui
	$(WORKLOGS) serve --demo --port $(PORT)

## test: set up, build and run every test. The host is built by `cargo test` itself
## (test-build): a separate `cargo build` would resolve other features and compile
## wasmtime a second time.
test: setup-test component test-build ui check
	WORKLOGS_TEST_MYSQL_URL=$$(bash scripts/mariadb.sh start | tail -n 1) $(CARGO) test --release --workspace
	$(MAKE) node-test
	$(MAKE) ui-test
	python3 -m pytest -q tests/python
	FUZZ_BUILD=--dev bash fuzz/run.sh $(FUZZ_SECONDS)

## node-test: the Forge adapter, manifest and lint checks, bundling, and the
## cross-host scenarios on the jco-transpiled component in Node with MariaDB
node-test: node_modules/.package-lock.json
	npm run build
	node --test tests/node/

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

## ui: the Custom UI bundle (ui/dist), with the core's parser as plain JavaScript
ui: ui/node_modules/.package-lock.json
	bash scripts/build-web.sh
	cd ui && npm run build

ui/node_modules/.package-lock.json: ui/package.json ui/package-lock.json
	cd ui && npm ci --no-audit --no-fund

## ui-test: the UI's unit tests (shared duration vectors), then the browser tests
## (playwright-core driving Debian's chromium against the local host)
ui-test: ui
	cd ui && npm test
	cd ui && WORKLOGS_REQUIRE_BROWSER=1 npm run test:browser

setup:
	bash scripts/setup.sh demo

setup-test:
	bash scripts/setup.sh test

build: component host

test-build:
	$(CARGO) test --release --workspace --no-run

component:
	$(CARGO) build --release --target wasm32-wasip2 -p worklogs-app

host:
	$(CARGO) build --release -p worklogs-cli -p jira-sim

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
