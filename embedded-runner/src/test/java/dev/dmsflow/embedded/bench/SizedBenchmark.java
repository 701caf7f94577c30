package dev.dmsflow.embedded.bench;

import dev.dmsflow.infra.DmsflowInfrastructure;

/** A benchmark of one window size on embedded infrastructure: true when what it measured came out right. */
@FunctionalInterface
interface SizedBenchmark {

    boolean run(DmsflowInfrastructure infrastructure, int size) throws Exception;

    /**
     * Runs the benchmark with the window size of {@code --size=N} (default 1,000,000) and the services' logging at
     * WARN, then exits: 0 when it came out right, 1 when not, 2 for an unknown argument.
     */
    static void main(String[] args, SizedBenchmark benchmark) throws Exception {
        int size = 1_000_000;
        for (String arg : args) {
            if (arg.startsWith("--size=")) {
                size = Integer.parseInt(arg.substring("--size=".length()));
            } else {
                System.err.println("Unknown argument " + arg + "; use --size=N");
                System.exit(2);
            }
        }
        System.setProperty("logging.level.dev.dmsflow", "WARN");
        boolean ok;
        try (DmsflowInfrastructure infrastructure = DmsflowInfrastructure.start(0)) {
            ok = benchmark.run(infrastructure, size);
        }
        System.exit(ok ? 0 : 1);
    }
}
