package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/creack/pty"
)

// firstFrame starts the dashboard on cfg in a 100×30 PTY (so the guard
// re-executes it, as for a user) and returns the wall time from the start
// of the exec to the first output naming marker, a host alias; then it
// quits the dashboard and waits for it.
func firstFrame(b *testing.B, bin, dir, cfg, marker string) time.Duration {
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
	var d time.Duration
	select {
	case d = <-seen:
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
	return d
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
	firstFrame(b, bin, dir, small, "web1") // warm the page cache
	firstFrame(b, bin, dir, big, "h0-0")
	for range b.N {
		for i := range n {
			if i%2 == 0 {
				sd = append(sd, firstFrame(b, bin, dir, small, "web1"))
				bd = append(bd, firstFrame(b, bin, dir, big, "h0-0"))
			} else {
				bd = append(bd, firstFrame(b, bin, dir, big, "h0-0"))
				sd = append(sd, firstFrame(b, bin, dir, small, "web1"))
			}
		}
	}
	b.Logf("first dashboard frame, whole process in a PTY, median of %d interleaved pairs:\n"+
		"    3 hosts:     %s (range %s–%s)\n"+
		"    5,000 hosts: %s (range %s–%s)\n"+
		"    ratio of medians (5,000 ÷ 3): %.2f (target ≤ 2)",
		len(sd), ms(median(sd)), ms(slices.Min(sd)), ms(slices.Max(sd)),
		ms(median(bd)), ms(slices.Min(bd)), ms(slices.Max(bd)),
		float64(median(bd))/float64(median(sd)))
	b.ReportMetric(float64(median(sd).Microseconds())/1000, "3hosts-ms")
	b.ReportMetric(float64(median(bd).Microseconds())/1000, "5000hosts-ms")
}
