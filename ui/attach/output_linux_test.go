//go:build linux && (amd64 || arm64)

package attach

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// openRawT opens a rawOutput on tty and closes it at the end of the test.
func openRawT(t *testing.T, tty *os.File) *rawOutput {
	t.Helper()
	o := openRaw(tty)
	if o == nil {
		t.Fatal("openRaw refused a terminal")
	}
	t.Cleanup(func() { o.Close() })
	return o
}

// drain reads master until it has want bytes, pausing as pause says.
func drain(t *testing.T, master *os.File, want int, pause func()) <-chan []byte {
	t.Helper()
	got := make(chan []byte, 1)
	go func() {
		var all []byte
		buf := make([]byte, 4096)
		for len(all) < want {
			n, err := master.Read(buf)
			all = append(all, buf[:n]...)
			if err != nil {
				break
			}
			pause()
		}
		got <- all
	}()
	return got
}

// writeAll writes data to o in chunks of random sizes, as output arrives.
func writeAll(t *testing.T, o io.Writer, data []byte, rng *rand.Rand) {
	t.Helper()
	for p := data; len(p) > 0; {
		n := min(len(p), 1+rng.IntN(300<<10))
		if k, err := o.Write(p[:n]); k != n || err != nil {
			t.Errorf("Write = %d, %v; want %d", k, err, n)
			return
		}
		p = p[n:]
	}
}

// Every byte reaches the terminal in order, through the raw writes, while
// the terminal reads at its own pace.
func TestRawOutputIntact(t *testing.T) {
	master, tty := blockingTTY(t)
	o := openRawT(t, tty)
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 4<<20)
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	got := drain(t, master, len(data), func() {
		if rng.IntN(50) == 0 {
			time.Sleep(time.Duration(rng.IntN(500)) * time.Microsecond)
		}
	})
	writeAll(t, o, data, rand.New(rand.NewPCG(3, 4)))
	if all := <-got; !bytes.Equal(all, data) {
		t.Fatalf("the terminal read %d bytes, not the %d written intact", len(all), len(data))
	}
	if o.raw.Load() == 0 {
		t.Error("no byte went through a raw write")
	}
}

// fillTerminal writes to tty's terminal until it takes no more, through a
// non-blocking description of its own, and returns what it wrote.
func fillTerminal(t *testing.T, tty *os.File) []byte {
	t.Helper()
	fd, err := unix.Open(tty.Name(), unix.O_WRONLY|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	var all []byte
	chunk := bytes.Repeat([]byte("f"), 4096)
	for {
		n, err := unix.Write(fd, chunk)
		if n > 0 {
			all = append(all, chunk[:n]...)
		}
		if err == unix.EAGAIN {
			return all
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// A terminal that reads nothing holds a raw write for rawBudget at most:
// then the rest goes through the ordinary write, which the runtime can
// take the P from. This is the case where a write interrupted by a signal
// would be restarted (nothing written yet), so it fails without the
// timer or with SA_RESTART on stallSignal.
//
// Were the write not bounded, the whole process would hang (the next
// garbage collection waits for that P forever), so the test runs in a
// child process of its own.
func TestRawOutputStalledTerminal(t *testing.T) {
	if os.Getenv("SSHDASH_TEST_STALL_CHILD") != "1" {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestRawOutputStalledTerminal$", "-test.v")
		cmd.Env = append(os.Environ(), "SSHDASH_TEST_STALL_CHILD=1")
		out, err := cmd.CombinedOutput()
		if ctx.Err() != nil {
			t.Fatalf("a raw write at a terminal that reads nothing held the process for a minute:\n%s", out)
		}
		if err != nil || !bytes.Contains(out, []byte("--- PASS: TestRawOutputStalledTerminal")) {
			t.Fatalf("%v\n%s", err, out)
		}
		return
	}
	master, tty := blockingTTY(t)
	o := openRawT(t, tty)
	full := fillTerminal(t, tty)
	data := bytes.Repeat([]byte("0123456789abcdef"), 16<<10)
	wrote := make(chan error, 1)
	go func() {
		_, err := o.Write(data)
		wrote <- err
	}()
	deadline := time.Now().Add(10 * time.Second)
	for o.fallbacks.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	stalled := o.fallbacks.Load() == 1
	select {
	case err := <-wrote:
		t.Fatalf("Write returned (%v) while the terminal read nothing", err)
	default:
	}
	got := drain(t, master, len(full)+len(data), func() {})
	if err := <-wrote; err != nil {
		t.Fatal(err)
	}
	if all := <-got; !bytes.Equal(all, append(full, data...)) {
		t.Fatalf("the terminal read %d bytes, not the %d written intact", len(all), len(full)+len(data))
	}
	if !stalled {
		t.Fatalf("a raw write held on past its budget at a terminal that read nothing (raw %d bytes)", o.raw.Load())
	}
}

// A terminal that reads, but slowly, also gets the ordinary write once a
// raw one has taken rawBudget; what the raw writes managed is kept.
func TestRawOutputSlowTerminal(t *testing.T) {
	master, tty := blockingTTY(t)
	o := openRawT(t, tty)
	data := bytes.Repeat([]byte("slow terminal "), 40<<10)
	got := drain(t, master, len(data), func() { time.Sleep(time.Millisecond) })
	if n, err := o.Write(data); n != len(data) || err != nil {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if all := <-got; !bytes.Equal(all, data) {
		t.Fatalf("the terminal read %d bytes, not the %d written intact", len(all), len(data))
	}
	if o.fallbacks.Load() != 1 || o.raw.Load() == 0 {
		t.Errorf("%d ordinary writes after %d raw bytes; want 1 after some", o.fallbacks.Load(), o.raw.Load())
	}
}

// stallSignal keeps the runtime's handler but interrupts system calls.
func TestStallSignalInterrupts(t *testing.T) {
	_, tty := blockingTTY(t)
	openRawT(t, tty)
	var sa kernelSigaction
	if _, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, stallSignal, 0, uintptr(unsafe.Pointer(&sa)), 8, 0, 0); e != 0 {
		t.Fatal(e)
	}
	if sa.handler == sigDFL || sa.handler == sigIGN {
		t.Errorf("stallSignal's handler is %d", sa.handler)
	}
	if sa.flags&saRestart != 0 {
		t.Error("stallSignal restarts system calls")
	}
	// The signal itself is harmless: the runtime ignores it.
	if err := syscall.Kill(os.Getpid(), stallSignal); err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond)
}

// Writes after Close are ordinary ones, and Close is idempotent.
func TestRawOutputAfterClose(t *testing.T) {
	master, tty := blockingTTY(t)
	o := openRawT(t, tty)
	o.Close()
	o.Close()
	got := drain(t, master, 5, func() {})
	if n, err := o.Write([]byte("hello")); n != 5 || err != nil {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if all := <-got; string(all) != "hello" || o.raw.Load() != 0 {
		t.Errorf("read %q with %d raw bytes", all, o.raw.Load())
	}
}

// The raw write is what opting in gives on Linux.
func TestOutputRawWhenOptedIn(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	out := openOutput(w, true)
	defer out.Close()
	if _, ok := out.(*rawOutput); !ok {
		t.Fatalf("opted-in output is %T, want the raw write", out)
	}
}
