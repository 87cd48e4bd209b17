// Package testenv gates tests that need real OpenSSH, root or the network
// lab. They run when SSHDASH_INTEGRATION=1 (as .ci/run sets) and are
// skipped otherwise; when the variable is set, anything missing is a test
// failure, never a skip.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// Var is the environment variable that turns on integration tests.
const Var = "SSHDASH_INTEGRATION"

// Enabled reports whether integration tests are turned on.
func Enabled() bool { return os.Getenv(Var) == "1" }

// Integration skips t unless integration tests are on.
func Integration(t testing.TB) {
	t.Helper()
	if !Enabled() {
		t.Skipf("integration test: set %s=1 to run (needs OpenSSH; .ci/run does this)", Var)
	}
}

// Need skips t unless integration tests are on, and fails it when they are
// on and one of the programs is missing. It returns each program's path.
func Need(t testing.TB, programs ...string) []string {
	t.Helper()
	Integration(t)
	paths := make([]string, len(programs))
	for i, p := range programs {
		path, err := exec.LookPath(p)
		if err != nil {
			if _, serr := os.Stat(p); serr == nil {
				path = p
			} else {
				t.Fatalf("%s=1 but %s is not installed: %v", Var, p, err)
			}
		}
		paths[i] = path
	}
	return paths
}

// NeedRoot fails t (when integration tests are on) unless running as root,
// as the network lab requires.
func NeedRoot(t testing.TB) {
	t.Helper()
	Integration(t)
	if os.Geteuid() != 0 {
		t.Fatalf("%s=1 but this test needs root (network namespaces)", Var)
	}
}
