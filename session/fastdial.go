package session

import (
	"context"
	"errors"
	"net"
	"time"
)

// dialFunc is the shape of net.Dialer.DialContext.
type dialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// maxProbesInFlight bounds the TCP connects a staggered dial keeps open.
const maxProbesInFlight = 24 // covers FastConnectTimeout at the default 100 ms cadence

// staggered returns a dial function for reconnecting during an outage: it
// starts a new TCP connect every `every` while earlier ones are still
// pending (under a blackhole a SYN is silently lost and the kernel would
// retry it only after a second, then three), so a restored network is
// noticed within about `every`. The first connect to succeed wins; the
// others are cancelled and closed. A fast failure (connection refused,
// network unreachable) is retried at the same cadence until ctx ends.
func staggered(dial dialFunc, every time.Duration) dialFunc {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		type result struct {
			c   net.Conn
			err error
		}
		results := make(chan result, maxProbesInFlight)
		inFlight, started := 0, 0
		var lastErr error
		start := func() {
			inFlight++
			started++
			go func() {
				c, err := dial(ctx, network, addr)
				results <- result{c, err}
			}()
		}
		// drain closes connects that lose the race, after we return.
		drain := func(n int) {
			go func() {
				for range n {
					if r := <-results; r.c != nil {
						r.c.Close()
					}
				}
			}()
		}
		start()
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case r := <-results:
				inFlight--
				if r.err == nil {
					cancel()
					drain(inFlight)
					return r.c, nil
				}
				// A connect cut short by the deadline says nothing about
				// the host: keep the answer an earlier one got (connection
				// refused), or a refused port reads as "timed out".
				if lastErr == nil || !isContextErr(r.err) {
					lastErr = r.err
				}
				if ctx.Err() != nil && inFlight == 0 {
					return nil, lastErr
				}
			case <-tick.C:
				if inFlight < maxProbesInFlight && ctx.Err() == nil {
					start()
				}
			case <-ctx.Done():
				drain(inFlight)
				if lastErr == nil {
					lastErr = ctx.Err()
				}
				if isContextErr(lastErr) {
					return nil, &net.OpError{Op: "dial", Net: network, Err: lastErr}
				}
				return nil, lastErr
			}
		}
	}
}

// isContextErr reports whether err is only a context ending (a connect
// cancelled or past its deadline).
func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
