package main

import (
	"fmt"
	"os"
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
// far more than the little work done in it. Whole process, printed,
// never asserted. SSHDASH_BENCH_BIN runs another build (A/B).
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
	for _, hosts := range []int{3, 203} {
		b.Run(fmt.Sprintf("hosts=%d", hosts), func(b *testing.B) {
			dir := b.TempDir()
			var cfg strings.Builder
			for i := 1; i <= hosts; i++ {
				fmt.Fprintf(&cfg, "Host h%04d\n  HostName 127.0.0.1\n", i)
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
				t.waitScreen("first frame naming the first host", time.Minute, func(l []string) bool { return hostCursor(l) == "h0001" })
				child := childPID(t.cmd.Process.Pid)
				if child == 0 {
					b.Fatal("the dashboard ran without a guard child")
				}
				time.Sleep(2 * time.Second) // past start-up
				const idle = 10 * time.Second
				c0, s0 := benchssh.ProcCPU(child), benchssh.ProcSleeps(child)
				time.Sleep(idle)
				cpu, sleeps := benchssh.ProcCPU(child)-c0, benchssh.ProcSleeps(child)-s0
				t.cmd.Process.Kill()
				t.cmd.Wait()
				t.f.Close()
				ms := float64(cpu.Microseconds()) / 1000 / idle.Seconds()
				b.Logf("idle dashboard, %d hosts, no session (whole process, the child, %s): %.2f ms CPU a second, slept and woke %.0f times a second",
					hosts, idle, ms, float64(sleeps)/idle.Seconds())
				b.ReportMetric(ms, "idle-cpu-ms/s")
				b.ReportMetric(float64(sleeps)/idle.Seconds(), "sleeps/s")
			}
		})
	}
}
