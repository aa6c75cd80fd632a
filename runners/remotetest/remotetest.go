// Package remotetest starts misbehaving HTTP servers on loopback for the
// fault tests of the HTTP runners: servers that hang, cut a stream, end it
// early, send garbage or an error status, and an address nobody listens on.
package remotetest

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Fault is a way for a server to misbehave.
type Fault string

// The faults. Each streams the given good lines first where it streams at all.
const (
	Hang     Fault = "hang"      // accepts the request and never answers
	HangMid  Fault = "hang-mid"  // sends the good lines, then goes silent
	EndEarly Fault = "end-early" // sends the good lines and ends the answer cleanly, before "done"
	Cut      Fault = "cut"       // sends the good lines and closes the connection mid-answer
	Garbage  Fault = "garbage"   // sends the good lines, then a line of malformed JSON
	Status   Fault = "status"    // answers HTTP 500 with an error message
	Down     Fault = "down"      // nobody listens at the address
)

// Faults lists them all.
var Faults = []Fault{Hang, HangMid, EndEarly, Cut, Garbage, Status, Down}

// Server starts a server that answers every request (after meta, which
// answers the paths it holds with their JSON) with fault, streaming the
// good lines first; it returns the base URL. garbage is the malformed line.
func Server(t testing.TB, fault Fault, meta map[string]string, good []string, garbage string) string {
	t.Helper()
	if fault == Down {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		return "http://" + addr
	}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if body, ok := meta[r.URL.Path]; ok {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, body)
			return
		}
		// Read the request, so that the server notices when the client hangs up.
		io.Copy(io.Discard, r.Body)
		switch fault {
		case Hang:
			<-r.Context().Done()
			return
		case Status:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, `{"error":"model runner crashed"}`)
			return
		}
		for _, l := range good {
			fmt.Fprintln(w, l)
		}
		w.(http.Flusher).Flush()
		switch fault {
		case HangMid:
			<-r.Context().Done()
		case Cut:
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		case Garbage:
			fmt.Fprintln(w, garbage)
		}
	}))
	t.Cleanup(hs.Close)
	return hs.URL
}
