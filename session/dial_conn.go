package session

import (
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"
)

// Conn is an authenticated SSH connection made by Dial, together with
// what carries it: jump host connections and a proxy command. Closing it
// closes them all, in order (the target, then the jump hosts from the last
// to the first, then the proxy command); Close is idempotent and safe for
// concurrent use. The first cause given (or the failure that ended the
// connection) is kept.
type Conn struct {
	target Target
	via    []string      // route for messages: jump host names or "proxy command"
	client *ssh.Client   // the target's connection
	hops   []*ssh.Client // jump host connections after the first, in order
	parent *Conn         // the first jump host's connection, if any
	proxy  *proxyConn    // the proxy command carrying the target, if any
	done   chan struct{} // closed once the connection has ended and everything is closed

	mu    sync.Mutex // guards cause
	cause error
}

// Client returns the SSH client, for sessions, global requests
// (keepalive@openssh.com) and forwards.
func (c *Conn) Client() *ssh.Client { return c.client }

// Target returns the target as dialled (with the user filled in).
func (c *Conn) Target() Target { return c.target }

// Route describes how the target was reached: "web1", "web1 via
// bastion, db-gw" or "web1 via proxy command".
func (c *Conn) Route() string {
	if len(c.via) == 0 {
		return c.target.name()
	}
	return c.target.name() + " via " + strings.Join(c.via, ", ")
}

// Done is closed when the connection has ended, whoever ended it, and
// everything it used is closed.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Cause returns why the connection ended: the first cause given to
// CloseWithCause, ErrConnClosed after Close, or the failure that ended it.
// It is nil while the connection is up.
func (c *Conn) Cause() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cause
}

// Close closes the connection with ErrConnClosed as its cause (unless one
// was recorded before) and waits until everything is closed.
func (c *Conn) Close() error { return c.CloseWithCause(ErrConnClosed) }

// CloseWithCause closes the connection, recording cause if it is the
// first, and waits until the target, jump hosts and proxy command are
// closed. It always returns nil; the cause is available from Cause.
func (c *Conn) CloseWithCause(cause error) error {
	c.setCause(cause)
	c.client.Close()
	<-c.done
	return nil
}

// setCause records err unless a cause is already recorded.
func (c *Conn) setCause(err error) {
	if err == nil {
		return
	}
	c.mu.Lock()
	if c.cause == nil {
		c.cause = err
	}
	c.mu.Unlock()
}

// start begins watching the connection; the watcher ends when it does.
func (c *Conn) start() {
	c.done = make(chan struct{})
	go c.watch()
}

// watch waits for the connection to end, records why and closes the rest.
func (c *Conn) watch() {
	err := c.client.Wait()
	c.setCause(c.lostCause(err))
	c.closeParts()
	close(c.done)
}

// lostCause explains a connection that ended by itself.
func (c *Conn) lostCause(err error) error {
	if c.proxy != nil {
		if perr := c.proxy.exitError(0); perr != nil {
			return fmt.Errorf("connection to %s lost: %w", c.Route(), perr)
		}
	}
	if c.parent != nil {
		select {
		case <-c.parent.done:
			return fmt.Errorf("connection to %s lost: jump host %s: %w", c.Route(), c.parent.target.name(), c.parent.Cause())
		default:
		}
	}
	if err == nil {
		return fmt.Errorf("connection to %s closed by the server", c.Route())
	}
	return fmt.Errorf("connection to %s lost: %w", c.Route(), err)
}

// closeParts closes the target connection, the jump hosts from last to
// first and the proxy command. Each part tolerates being closed twice.
func (c *Conn) closeParts() {
	if c.client != nil {
		c.client.Close()
	}
	for i := len(c.hops) - 1; i >= 0; i-- {
		c.hops[i].Close()
	}
	if c.parent != nil {
		c.parent.CloseWithCause(fmt.Errorf("closing %s", c.target.name()))
	}
	if c.proxy != nil {
		c.proxy.Close()
	}
}
