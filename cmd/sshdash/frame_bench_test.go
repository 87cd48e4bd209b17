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
)

// firstFrame starts the dashboard on cfg in a 100×30 PTY (so the guard
// re-executes it, as for a user) and returns the wall time from the start
// of the exec to the first output naming marker, a host alias; then it
// quits the dashboard and waits for it. hwmKiB is the dashboard child's
// peak RSS at that moment (0 if it could not be read).
func firstFrame(b *testing.B, bin, dir, cfg, marker string) (d time.Duration, hwmKiB int) {
	b.Helper()
	cmd := exec.Command(bin, "-F", cfg)
	cmd.Env = append(os.Environ(), "HOME="+dir, "TERM=xterm-256color", "SSHDASH_STATE_DIR="+dir,
		"XDG_CONFIG_HOME="+filepath.Join(dir, "no-settings"))
	t0 := time.Now()
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 100, Rows: 30})
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	seen := make(chan time.Duration, 1)
	go func() {
		buf := make([]byte, 64<<10)
		var all []byte
		for {
			n, err := f.Read(buf)
			all = append(all, buf[:n]...)
			if bytes.Contains(all, []byte(marker)) {
				seen <- time.Since(t0)
				break
			}
			if err != nil {
				return
			}
		}
		for { // keep draining so the dashboard never blocks on the PTY
			if _, err := f.Read(buf); err != nil {
				return
			}
		}
	}()
	select {
	case d = <-seen:
		if c := childPID(cmd.Process.Pid); c != 0 {
			hwmKiB = procStatusKiB(c, "VmHWM:")
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		b.Fatalf("the dashboard on %s drew no frame naming %q within 30 s", cfg, marker)
	}
	f.Write([]byte("q"))
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-done
	}
	return d, hwmKiB
}

// procStatusKiB reads one "Name: N kB" field of /proc/PID/status.
func procStatusKiB(pid int, field string) int {
	st, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(st), "\n") {
		if strings.HasPrefix(line, field) {
			n, _ := strconv.Atoi(strings.Fields(line)[1])
			return n
		}
	}
	return 0
}

// BenchmarkFirstFrame compares the dashboard's first frame with 5,000 hosts
// (in 10 included files) with its first frame with 3 hosts: the real
// binary in a PTY, from exec to the first output that names a host, whole
// process (guard and dashboard child), the two runs interleaved (which
// goes first alternates), medians of SSHDASH_BENCH_PAIRS pairs. The target
// is 5,000 hosts within 2× of 3.
//
//	go test -run '^$' -bench FirstFrame -benchtime 1x ./cmd/sshdash/
func BenchmarkFirstFrame(b *testing.B) {
	bin := buildBenchBinary(b)
	dir := b.TempDir()
	small := filepath.Join(dir, "small")
	if err := os.WriteFile(small, []byte(smallBenchConfig), 0o644); err != nil {
		b.Fatal(err)
	}
	big := writeBigConfig(b, dir)
	n := benchPairs()
	var sd, bd []time.Duration
	var srss, brss []int
	firstFrame(b, bin, dir, small, "web1") // warm the page cache
	firstFrame(b, bin, dir, big, "h0-0")
	runSmall := func() {
		d, r := firstFrame(b, bin, dir, small, "web1")
		sd, srss = append(sd, d), append(srss, r)
	}
	runBig := func() {
		d, r := firstFrame(b, bin, dir, big, "h0-0")
		bd, brss = append(bd, d), append(brss, r)
	}
	for range b.N {
		for i := range n {
			if i%2 == 0 {
				runSmall()
				runBig()
			} else {
				runBig()
				runSmall()
			}
		}
	}
	slices.Sort(srss)
	slices.Sort(brss)
	b.Logf("first dashboard frame, whole process in a PTY, median of %d interleaved pairs:\n"+
		"    3 hosts:     %s (range %s–%s), dashboard peak RSS %d KiB\n"+
		"    5,000 hosts: %s (range %s–%s), dashboard peak RSS %d KiB\n"+
		"    ratio of medians (5,000 ÷ 3): %.2f (target ≤ 2)",
		len(sd), ms(median(sd)), ms(slices.Min(sd)), ms(slices.Max(sd)), srss[len(srss)/2],
		ms(median(bd)), ms(slices.Min(bd)), ms(slices.Max(bd)), brss[len(brss)/2],
		float64(median(bd))/float64(median(sd)))
	b.ReportMetric(float64(median(sd).Microseconds())/1000, "3hosts-ms")
	b.ReportMetric(float64(median(bd).Microseconds())/1000, "5000hosts-ms")
}
