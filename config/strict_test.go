package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sshdash/sshdash/internal/testenv"
)

// TestStrictLinesAgainstSSHG puts each line of testdata/strict-lines.txt
// (bad values, missing arguments, extra arguments, bad Match criteria,
// keywords newer than OpenSSH 9.2, and some good lines) in a Host block
// that does not apply and in one that does, and checks that a strict
// Resolve refuses exactly when ssh -G does.
func TestStrictLinesAgainstSSHG(t *testing.T) {
	ssh := testenv.Need(t, "ssh")[0]
	data, err := os.ReadFile(filepath.Join("testdata", "strict-lines.txt"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(filepath.Join(home, ".ssh"), 0o755); err != nil {
		t.Fatal(err)
	}
	c := diffCase{name: "strict-lines", dir: dir, home: home}
	refused, accepted := 0, 0
	for _, line := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		for _, block := range []string{"other", "web"} {
			text := "Host " + block + "\n  " + line + "\nHost web\n  User x\n"
			if err := os.WriteFile(filepath.Join(dir, "config"), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			_, stderr, ok := sshG(t, ssh, c, destination{args: []string{"web"}, host: "web"})
			cfg := loadCase(t, c)
			_, rerr := cfg.Resolve("web", ResolveOptions{RunExec: true, Strict: true})
			switch {
			case !ok && rerr == nil:
				t.Errorf("%q in Host %s: ssh -G refused (%s), strict Resolve did not", line, block, strings.TrimSpace(stderr))
			case !ok && !errors.Is(rerr, ErrFatal):
				t.Errorf("%q in Host %s: Resolve error %v is not fatal", line, block, rerr)
			case ok && rerr != nil:
				t.Errorf("%q in Host %s: ssh -G accepted, strict Resolve: %v", line, block, rerr)
			case ok:
				accepted++
			default:
				refused++
			}
		}
	}
	if refused == 0 || accepted == 0 {
		t.Errorf("refused %d, accepted %d: the list must hold both kinds", refused, accepted)
	}
	t.Logf("%d refused by both, %d accepted by both", refused, accepted)
}
