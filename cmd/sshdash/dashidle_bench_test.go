package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sshdash/sshdash/internal/benchssh"
	"github.com/sshdash/sshdash/internal/testenv"
)

// BenchmarkDashboardIdle measures what an open dashboard costs while
// nothing happens: the real binary (guard and child) in a 120×40 PTY with
// 3 and with 203 hosts and no session, left alone for 10 s. It prints the
// child's CPU per second and how often it slept and woke (voluntary
// context switches): an idle dashboard left open all day should cost
// next to nothing, and every wakeup costs the scheduler and the kernel
// far more than the little work done in it. Beside it, what Bubble Tea's
// renderer cost before ui/screen replaced it: a Go program doing nothing
// but a 60 Hz ticker, that renderer's frame tick.
// Whole process, printed, never asserted. SSHDASH_BENCH_BIN runs another build (A/B).
//
//	SSHDASH_INTEGRATION=1 go test -run '^$' -bench DashboardIdle -benchtime 1x ./cmd/sshdash/
func BenchmarkDashboardIdle(b *testing.B) {
	if !testenv.Enabled() {
		b.Skip(testenv.Var + " is not set")
	}
	bin := os.Getenv("SSHDASH_BENCH_BIN")
	if bin == "" {
		bin = buildBenchBinary(b)
	}
	b.Run("go-ticker-60Hz", func(b *testing.B) {
		// A Go program that does nothing but receive from a 60 Hz
		// time.Ticker, as Bubble Tea's renderer does (its frame rate
		// cannot change while it runs; the dashboard no longer uses it). On this 2-core VM each tick
		// costs the Go scheduler and the kernel several context switches.
		dir := b.TempDir()
		src := "package main\n\nimport \"time\"\n\nfunc main() {\n\tt := time.NewTicker(time.Second / 60)\n\tfor range t.C {\n\t}\n}\n"
		if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o600); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module ticker\n\ngo 1.24\n"), 0o600); err != nil {
			b.Fatal(err)
		}
		build := exec.Command("go", "build", "-o", "ticker", ".")
		build.Dir = dir
		if out, err := build.CombinedOutput(); err != nil {
			b.Fatalf("build the ticker: %v\n%s", err, out)
		}
		for range b.N {
			cmd := exec.Command(filepath.Join(dir, "ticker"))
			if err := cmd.Start(); err != nil {
				b.Fatal(err)
			}
			time.Sleep(time.Second)
			idleFor(b, cmd.Process.Pid, "a Go program only receiving from a 60 Hz ticker")
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	for _, hosts := range []int{3, 203} {
		b.Run(fmt.Sprintf("hosts=%d", hosts), func(b *testing.B) {
			dir := b.TempDir()
			var cfg strings.Builder
			for i := 1; i <= hosts; i++ {
				fmt.Fprintf(&cfg, "Host b%04d\n  HostName 127.0.0.1\n", i)
			}
			cfg.WriteString("Host *\n  Port 9\n")
			path := filepath.Join(dir, "ssh_config")
			if err := os.WriteFile(path, []byte(cfg.String()), 0o600); err != nil {
				b.Fatal(err)
			}
			env := []string{"HOME=" + dir, "PATH=" + os.Getenv("PATH"), "TERM=xterm-256color", "LANG=C.UTF-8",
				"XDG_CONFIG_HOME=" + filepath.Join(dir, "xdg"), "XDG_STATE_HOME=" + filepath.Join(dir, "state")}
			for range b.N {
				t := startDashTerm(b, bin, env, 120, 40, "-F", path)
				t.waitScreen("first frame naming the first host", time.Minute, func(l []string) bool { return hostCursor(l) == "b0001" })
				child := childPID(t.cmd.Process.Pid)
				if child == 0 {
					b.Fatal("the dashboard ran without a guard child")
				}
				time.Sleep(2 * time.Second) // past start-up
				idleFor(b, child, fmt.Sprintf("idle dashboard, %d hosts, no session (whole process, the child)", hosts))
				t.cmd.Process.Kill()
				t.cmd.Wait()
				t.f.Close()
			}
		})
	}
}

// idleFor leaves process pid alone for 10 s and reports its CPU per
// second and how often it slept and woke, as what says.
func idleFor(b *testing.B, pid int, what string) {
	const idle = 10 * time.Second
	c0, s0 := benchssh.ProcCPU(pid), benchssh.ProcSleeps(pid)
	time.Sleep(idle)
	cpu, sleeps := benchssh.ProcCPU(pid)-c0, benchssh.ProcSleeps(pid)-s0
	ms := float64(cpu.Microseconds()) / 1000 / idle.Seconds()
	perS := float64(sleeps) / idle.Seconds()
	b.Logf("%s, over %s: %.2f ms CPU a second, slept and woke %.0f times a second", what, idle, ms, perS)
	b.ReportMetric(ms, "idle-cpu-ms/s")
	b.ReportMetric(perS, "sleeps/s")
}
