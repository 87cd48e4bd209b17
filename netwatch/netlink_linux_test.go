package netwatch_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/sshdash/sshdash/internal/testenv"
	"github.com/sshdash/sshdash/netwatch"
)

// ip runs iproute2 and fails the test on error.
func ip(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// openIn opens the OS source inside the named network namespace: on a
// locked thread moved into it and back. A socket stays in the namespace
// it was created in.
func openIn(t *testing.T, ns string) netwatch.Source {
	t.Helper()
	type result struct {
		src netwatch.Source
		err error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		self, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			ch <- result{err: err}
			runtime.UnlockOSThread()
			return
		}
		defer self.Close()
		target, err := os.Open("/run/netns/" + ns)
		if err != nil {
			ch <- result{err: err}
			runtime.UnlockOSThread()
			return
		}
		defer target.Close()
		if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
			ch <- result{err: fmt.Errorf("setns %s: %w", ns, err)}
			runtime.UnlockOSThread()
			return
		}
		src, err := netwatch.OpenSource()
		if err := unix.Setns(int(self.Fd()), unix.CLONE_NEWNET); err != nil {
			// The thread stays locked and ends with this goroutine,
			// rather than serve others in the wrong namespace.
			ch <- result{err: fmt.Errorf("setns back: %w", err)}
			return
		}
		runtime.UnlockOSThread()
		ch <- result{src, err}
	}()
	r := <-ch
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.src
}

// TestNetlinkSeesAddressChange: in a private network namespace, adding an
// address to a dummy interface is reported as a network change, and a
// quiet namespace reports nothing.
func TestNetlinkSeesAddressChange(t *testing.T) {
	testenv.NeedRoot(t)
	testenv.Need(t, "ip")
	ns := fmt.Sprintf("sdnw%d", os.Getpid()%100000)
	_ = exec.Command("ip", "netns", "del", ns).Run() // a leftover of an earlier run
	ip(t, "netns", "add", ns)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
	ip(t, "-n", ns, "link", "add", "sdnw0", "type", "veth", "peer", "name", "sdnw1")
	ip(t, "-n", ns, "link", "set", "sdnw0", "up")

	idx := ifIndex(t, ns, "sdnw0")
	raw := openIn(t, ns)
	defer raw.Close()
	src := openIn(t, ns)
	w := netwatch.New(netwatch.Options{Source: src})
	changes := make(chan netwatch.Change, 16)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, func(c netwatch.Change) { changes <- c }) }()
	defer func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			buf := make([]byte, 1<<20)
			t.Fatalf("Run did not return after cancel:\n%s", buf[:runtime.Stack(buf, true)])
		}
	}()

	select {
	case c := <-changes:
		t.Fatalf("change reported before anything changed: %v", c)
	case <-time.After(300 * time.Millisecond):
	}
	ip(t, "-n", ns, "addr", "add", "198.18.99.1/24", "dev", "sdnw0")
	// The raw source names the message and the interface by its index in
	// the namespace (the watcher looks the name up in its own, which for
	// this test is another one).
	for found := false; !found; {
		select {
		case ev, ok := <-raw.Events():
			if !ok {
				t.Fatalf("the raw source stopped: %v", raw.Err())
			}
			found = ev.What == "address added" && ev.Interface == idx
		case <-time.After(10 * time.Second):
			t.Fatalf("no \"address added\" event for interface %d", idx)
		}
	}
	select {
	case c := <-changes:
		if c.Kind != netwatch.NetworkChanged || !strings.Contains(c.First, "added") {
			t.Fatalf("change %+v, want an address or route added", c)
		}
		t.Logf("reported: %v", c)
	case <-time.After(10 * time.Second):
		t.Fatal("adding an address was not reported")
	}
	ip(t, "-n", ns, "link", "del", "sdnw0")
	select {
	case c := <-changes:
		t.Logf("reported: %v", c)
	case <-time.After(10 * time.Second):
		t.Fatal("removing the interface was not reported")
	}
}

// ifIndex is the index of interface name in namespace ns.
func ifIndex(t *testing.T, ns, name string) int {
	t.Helper()
	out, err := exec.Command("ip", "-n", ns, "-o", "link", "show", name).Output()
	if err != nil {
		t.Fatalf("ip -n %s link show %s: %v", ns, name, err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(out), ":", 2)[0]))
	if err != nil {
		t.Fatalf("index of %s in %q: %v", name, out, err)
	}
	return n
}
