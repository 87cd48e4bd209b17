package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/sshdash/sshdash/internal/testenv"
)

// benchPairs is how many interleaved sshdash/OpenSSH pairs a start-up
// figure takes its median over (SSHDASH_BENCH_PAIRS, default 21).
func benchPairs() int {
	if n, err := strconv.Atoi(os.Getenv("SSHDASH_BENCH_PAIRS")); err == nil && n > 0 {
		return n
	}
	return 21
}

// procRun is one whole-process run: wall time and the CPU the process used.
type procRun struct{ wall, cpu time.Duration }

func runProc(b *testing.B, name string, args ...string) procRun {
	b.Helper()
	cmd := exec.Command(name, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	t0 := time.Now()
	err := cmd.Run()
	wall := time.Since(t0)
	if err != nil {
		b.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out.Bytes())
	}
	return procRun{wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// comparePairs runs a and o alternately (which goes first alternates too)
// and prints their median wall and CPU times and the ratio of the medians.
func comparePairs(b *testing.B, label string, a, o []string) {
	b.Helper()
	n := benchPairs()
	var aw, ac, ow, oc []time.Duration
	runProc(b, a[0], a[1:]...) // warm the page cache for both
	runProc(b, o[0], o[1:]...)
	for i := range n {
		first, second := a, o
		if i%2 == 1 {
			first, second = o, a
		}
		r1 := runProc(b, first[0], first[1:]...)
		r2 := runProc(b, second[0], second[1:]...)
		if i%2 == 1 {
			r1, r2 = r2, r1
		}
		aw, ac = append(aw, r1.wall), append(ac, r1.cpu)
		ow, oc = append(ow, r2.wall), append(oc, r2.cpu)
	}
	b.Logf("%s, whole process, median of %d interleaved pairs:\n"+
		"    sshdash: wall %s, CPU %s (wall range %s–%s)\n"+
		"    OpenSSH: wall %s, CPU %s (wall range %s–%s)\n"+
		"    ratio of medians (sshdash ÷ OpenSSH): wall %.2f, CPU %.2f",
		label, n,
		ms(median(aw)), ms(median(ac)), ms(slices.Min(aw)), ms(slices.Max(aw)),
		ms(median(ow)), ms(median(oc)), ms(slices.Min(ow)), ms(slices.Max(ow)),
		float64(median(aw))/float64(median(ow)), float64(median(ac))/float64(max(median(oc), 1)))
	b.ReportMetric(float64(median(aw).Microseconds())/1000, "sshdash-ms")
	b.ReportMetric(float64(median(ow).Microseconds())/1000, "openssh-ms")
}

// writeBigConfig writes 5,000 hosts over 10 included files.
func writeBigConfig(b *testing.B, dir string) string {
	b.Helper()
	var main strings.Builder
	for f := range 10 {
		var inc strings.Builder
		for h := range 500 {
			fmt.Fprintf(&inc, "Host h%d-%d\n    HostName 10.%d.%d.%d\n    User u%d\n    Port %d\n\n", f, h, f, h/250, h%250, h%7, 2000+h)
		}
		p := filepath.Join(dir, fmt.Sprintf("inc%d.conf", f))
		if err := os.WriteFile(p, []byte(inc.String()), 0o644); err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(&main, "Include %s\n", p)
	}
	main.WriteString("Host *\n    ServerAliveInterval 15\n")
	p := filepath.Join(dir, "big")
	if err := os.WriteFile(p, []byte(main.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	return p
}

const smallBenchConfig = `Host web1
    HostName 10.0.0.1
    User deploy
Host db
    HostName 10.0.0.2
    Port 2202
Host bastion
    HostName 10.0.0.3
`

// BenchmarkStartup compares whole-process start-up with OpenSSH's:
// "sshdash --version" beside "ssh -V", "sshdash list" on a 3-host config
// beside one "ssh -G", and "sshdash list" on 5,000 hosts in 10 included
// files beside one "ssh -G" on the same config. Each is the median of
// interleaved pairs (SSHDASH_BENCH_PAIRS).
//
//	go test -run '^$' -bench Startup -benchtime 1x ./cmd/sshdash/
func BenchmarkStartup(b *testing.B) {
	testenv.Need(b, "ssh")
	bin := buildBenchBinary(b)
	dir := b.TempDir()
	small := filepath.Join(dir, "small")
	if err := os.WriteFile(small, []byte(smallBenchConfig), 0o644); err != nil {
		b.Fatal(err)
	}
	big := writeBigConfig(b, dir)
	for range b.N {
		comparePairs(b, "--version vs ssh -V", []string{bin, "--version"}, []string{"ssh", "-V"})
		comparePairs(b, "list -F (3 hosts) vs ssh -G", []string{bin, "list", "-F", small}, []string{"ssh", "-G", "-F", small, "web1"})
		comparePairs(b, "list -F (5,000 hosts, 10 Includes) vs one ssh -G", []string{bin, "list", "-F", big}, []string{"ssh", "-G", "-F", big, "h9-499"})
	}
}

func buildBenchBinary(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "sshdash")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		b.Fatalf("build sshdash: %v\n%s", err, out)
	}
	return bin
}

// procStat reads a process's CPU time (user+system) and resident set from
// /proc.
func procStat(pid int) (cpu time.Duration, rssKiB int, err error) {
	st, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, err
	}
	// Fields after the command name (which may hold spaces) start at ')'.
	f := strings.Fields(string(st[bytes.LastIndexByte(st, ')')+1:]))
	ut, _ := strconv.Atoi(f[11])
	stt, _ := strconv.Atoi(f[12])
	cpu = time.Duration(ut+stt) * 10 * time.Millisecond // USER_HZ is 100 on Linux
	return cpu, procStatusKiB(pid, "VmRSS:"), nil
}

// BenchmarkGuardStartup measures what the dashboard's guard process pays:
// the dashboard runs in a PTY (so the guard re-executes the binary); once
// the child has drawn its first frame, the guard's own CPU time and RSS are
// read from /proc, beside the child's and beside "ssh -V"'s whole run.
// /proc CPU times have 10 ms resolution, so the CPU figure is the sum over
// all runs divided by the runs.
//
//	go test -run '^$' -bench GuardStartup -benchtime 1x ./cmd/sshdash/
func BenchmarkGuardStartup(b *testing.B) {
	bin := buildBenchBinary(b)
	dir := b.TempDir()
	small := filepath.Join(dir, "small")
	if err := os.WriteFile(small, []byte(smallBenchConfig), 0o644); err != nil {
		b.Fatal(err)
	}
	n := benchPairs()
	var gcpu, ccpu time.Duration
	var grss, crss []int
	for range b.N * n {
		cmd := exec.Command(bin, "-F", small)
		cmd.Env = append(os.Environ(), "HOME="+dir, "TERM=xterm-256color", "SSHDASH_STATE_DIR="+dir)
		f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 100, Rows: 30})
		if err != nil {
			b.Fatal(err)
		}
		out := make(chan struct{})
		go func() { // the first frame names a host
			buf := make([]byte, 64<<10)
			var all []byte
			signalled := false
			for {
				n, err := f.Read(buf)
				all = append(all, buf[:n]...)
				if !signalled && bytes.Contains(all, []byte("bastion")) {
					close(out)
					signalled = true
				}
				if err != nil {
					if !signalled {
						close(out)
					}
					return
				}
			}
		}()
		select {
		case <-out:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			b.Fatal("the dashboard drew no frame naming a host within 20 s")
		}
		child := childPID(cmd.Process.Pid)
		if child == 0 {
			cmd.Process.Kill()
			cmd.Wait()
			b.Fatal("the dashboard in a terminal ran without a guard child")
		}
		c, r, _ := procStat(cmd.Process.Pid)
		gcpu += c
		grss = append(grss, r)
		c, r, _ = procStat(child)
		ccpu += c
		crss = append(crss, r)
		f.Write([]byte("q"))
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		f.Close()
	}
	runs := b.N * n
	vs := make([]int, 0, 8)
	for range 5 {
		cmd := exec.Command("/usr/bin/time", "-f", "%M", "ssh", "-V")
		o, err := cmd.CombinedOutput()
		if err != nil {
			break
		}
		lines := strings.Fields(string(o))
		if v, err := strconv.Atoi(lines[len(lines)-1]); err == nil {
			vs = append(vs, v)
		}
	}
	slices.Sort(grss)
	slices.Sort(crss)
	b.Logf("dashboard guard, whole process, %d runs: guard CPU %.1f ms per start (mean), guard RSS %d KiB (median); the dashboard child: CPU %.1f ms to its first frame (mean), RSS %d KiB",
		runs, float64(gcpu.Microseconds())/1000/float64(runs), grss[len(grss)/2], float64(ccpu.Microseconds())/1000/float64(runs), crss[len(crss)/2])
	if len(vs) > 0 {
		slices.Sort(vs)
		b.Logf("ssh -V peak RSS: %d KiB (median of %d, /usr/bin/time)", vs[len(vs)/2], len(vs))
	}
	b.ReportMetric(float64(grss[len(grss)/2]), "guard-KiB-RSS")
}

// childPID returns a child of pid (any of its threads may have forked it),
// or 0.
func childPID(pid int) int {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, t := range tasks {
		if kids, _ := os.ReadFile(t); len(strings.Fields(string(kids))) > 0 {
			c, _ := strconv.Atoi(strings.Fields(string(kids))[0])
			return c
		}
	}
	return 0
}
