package keepalive_test

import (
	"io"
	"net"
	"testing"
	"time"

	"github.com/sshdash/sshdash/keepalive"
	"github.com/sshdash/sshdash/keepalive/clocktest"
)

func newTestClock() *clocktest.Clock { return clocktest.New(t0) }

func TestWatchConnRecordsReads(t *testing.T) {
	clk := newTestClock()
	act := keepalive.NewActivity(clk)
	if !act.Last().IsZero() {
		t.Fatal("fresh Activity has a last contact")
	}
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	w := keepalive.WatchConn(a, act)
	if nc, ok := w.(interface{ NetConn() net.Conn }); !ok || nc.NetConn() != a {
		t.Error("NetConn does not return the wrapped conn")
	}
	go func() {
		b.Write([]byte("hello"))
		b.Close()
	}()
	clk.Advance(time.Second)
	buf, err := io.ReadAll(w)
	if err != nil || string(buf) != "hello" {
		t.Fatalf("ReadAll = %q, %v", buf, err)
	}
	if act.Bytes() != 5 || !act.Last().Equal(t0.Add(time.Second)) {
		t.Errorf("recorded %d bytes at %v", act.Bytes(), act.Last())
	}
	act.Record(0)
	act.Record(-1)
	if act.Bytes() != 5 {
		t.Errorf("empty reads counted: %d", act.Bytes())
	}
}
