package keepalive_test

import (
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/sshdash/sshdash/keepalive"
)

// TestPayloadSizes checks the byte accounting against x/crypto's own
// message encoding.
func TestPayloadSizes(t *testing.T) {
	req := ssh.Marshal(&struct {
		Name      string `sshtype:"80"` // SSH_MSG_GLOBAL_REQUEST
		WantReply bool
	}{keepalive.RequestName, true})
	if len(req) != keepalive.RequestBytes {
		t.Errorf("global request is %d bytes, RequestBytes = %d", len(req), keepalive.RequestBytes)
	}
	reply := ssh.Marshal(&struct {
		Data []byte `ssh:"rest" sshtype:"81"` // SSH_MSG_REQUEST_SUCCESS
	}{})
	if len(reply) != keepalive.ReplyBytes {
		t.Errorf("reply is %d bytes, ReplyBytes = %d", len(reply), keepalive.ReplyBytes)
	}
}

// BenchmarkHeartbeatExchange sends probes over a real x/crypto connection
// on loopback and reports the bytes one exchange costs: SSH payload
// (request + reply) and what actually crossed the TCP stream (payload plus
// packet length, padding and MAC of the negotiated cipher), both
// directions. ns/op is the loopback round trip.
func BenchmarkHeartbeatExchange(b *testing.B) {
	for _, bc := range []struct {
		name string
		want bool
	}{{"probe", true}, {"noop", false}} {
		b.Run(bc.name, func(b *testing.B) {
			srv := startServer(b, answerOK)
			c := dial(b, srv, keepalive.Default())
			// One exchange first, so nothing left from the handshake is counted.
			if _, _, err := c.SendRequest(keepalive.RequestName, true, nil); err != nil {
				b.Fatal(err)
			}
			in0, out0 := c.wire.in.Load(), c.wire.out.Load()
			b.ResetTimer()
			for range b.N {
				if _, _, err := c.SendRequest(keepalive.RequestName, bc.want, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			// SendRequest returns after the reply (probe) or after the write
			// (noop, which the server never answers), so the counts are exact.
			in, out := c.wire.in.Load()-in0, c.wire.out.Load()-out0
			payload := keepalive.ExchangeBytes
			if !bc.want {
				payload = keepalive.RequestBytes
			}
			b.ReportMetric(float64(payload), "payload-B/beat")
			b.ReportMetric(float64(out)/float64(b.N), "wire-sent-B/beat")
			b.ReportMetric(float64(in)/float64(b.N), "wire-recv-B/beat")
			b.ReportMetric(float64(in+out)/float64(b.N), "wire-B/beat")
		})
	}
}
