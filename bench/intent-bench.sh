#!/usr/bin/env bash
# The intent layer's CPU cost per message and its memory (command-service's natural-language reading).
#   flock /tmp/bench.lock bench/intent-bench.sh [rounds]
# Compiles command-service and its tests, then runs IntentBench on one thread: no server is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl contracts,messaging,command-service test-compile dependency:build-classpath \
    -Dmdep.outputFile="$PWD/command-service/target/intent-bench.classpath" -Dmdep.includeScope=test
CP="command-service/target/classes:command-service/target/test-classes:$(cat command-service/target/intent-bench.classpath)"
exec java -Xmx384m -XX:+UseSerialGC -cp "$CP" com.flashapp.whatsapp.command.intent.IntentBench "${1:-20}"
