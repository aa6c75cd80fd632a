package runners

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ErrNoAnswer is returned (wrapped) when a server stays silent longer than
// the idle timeout.
var ErrNoAnswer = errors.New("no answer from the server")

// maxLine bounds one streamed line (an NDJSON object or an SSE event), bytes.
const maxLine = 8 << 20

// NewHTTPClient returns the client of the HTTP runners: it connects to the
// address of each request and nowhere else (no proxy from the environment,
// no redirects followed).
func NewHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	tr.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: tr, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		return fmt.Errorf("the server redirected to %s; odbench connects only to the address given", req.URL.Redacted())
	}}
}

// ParseEndpoint checks a server's base URL (http or https, with a host)
// and returns it without a trailing slash.
func ParseEndpoint(raw string) (string, error) {
	if raw == "" {
		return "", errors.New("no server address: pass --url, e.g. http://127.0.0.1:11434")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("server address %q: %w", raw, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("server address %q: want http://HOST:PORT or https://HOST:PORT", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// HTTPError is a server's answer with a status other than 200.
type HTTPError struct {
	URL     string
	Status  int
	Message string // the server's error message, or the start of its body
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("%s: HTTP %d: %s", e.URL, e.Status, e.Message)
}

// CallJSON sends body (nil: a GET) to url and decodes the JSON answer into out.
func CallJSON(ctx context.Context, client *http.Client, url, apiKey string, body, out any) error {
	resp, err := send(ctx, client, url, apiKey, body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxLine))
	if err != nil {
		return fmt.Errorf("%s: read the answer: %w", url, err)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s: malformed JSON answer %q: %w", url, clip(data), err)
	}
	return nil
}

// Stream posts body as JSON to url and calls line with each non-empty line
// of the answer and the time it arrived, until line reports done. A
// stream that ends before that is ErrIncomplete; a silence longer than
// idle is ErrNoAnswer. It returns when the request was sent.
func Stream(ctx context.Context, client *http.Client, url, apiKey string, body any, idle time.Duration, line func(b []byte, at time.Time) (done bool, err error)) (time.Time, error) {
	if idle <= 0 {
		idle = DefaultIdleTimeout
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	timer := time.AfterFunc(idle, func() { cancel(fmt.Errorf("%w for %s at %s", ErrNoAnswer, idle, url)) })
	defer timer.Stop()
	fail := func(err error) error {
		if cause := context.Cause(ctx); errors.Is(cause, ErrNoAnswer) {
			return cause
		}
		return err
	}
	sent := time.Now()
	resp, err := send(ctx, client, url, apiKey, body)
	if err != nil {
		return sent, fail(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	for sc.Scan() {
		at := time.Now()
		timer.Reset(idle)
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		done, err := line(b, at)
		if err != nil {
			return sent, fmt.Errorf("%s: %w", url, err)
		}
		if done {
			return sent, nil
		}
	}
	if err := sc.Err(); err != nil {
		return sent, fail(fmt.Errorf("%s: %w: reading the stream: %w", url, ErrIncomplete, err))
	}
	return sent, fail(fmt.Errorf("%s: %w: the server closed the stream before it said it was done", url, ErrIncomplete))
}

// send makes the request and checks its status.
func send(ctx context.Context, client *http.Client, url, apiKey string, body any) (*http.Response, error) {
	method, rd := http.MethodGet, io.Reader(nil)
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("%s: encode the request: %w", url, err)
		}
		method, rd = http.MethodPost, bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", url, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+apiKey)
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			return nil, fmt.Errorf("%s: %w (is the server running at this address?)", method+" "+url, err)
		}
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		return nil, &HTTPError{URL: url, Status: resp.StatusCode, Message: errorMessage(data)}
	}
	return resp, nil
}

// errorMessage pulls the message out of an error body: Ollama's
// {"error": "..."}, OpenAI's {"error": {"message": "..."}}, or the text.
func errorMessage(data []byte) string {
	var e struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(data, &e) == nil && len(e.Error) > 0 {
		var s string
		if json.Unmarshal(e.Error, &s) == nil {
			return s
		}
		var o struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(e.Error, &o) == nil && o.Message != "" {
			return o.Message
		}
	}
	return clip(data)
}

// clip returns the start of data as text, for error messages.
func clip(data []byte) string {
	const n = 200
	s := strings.TrimSpace(string(data))
	if len(s) > n {
		s = s[:n] + "..."
	}
	return s
}

// StreamError turns an error object a server sent inside a stream into an error.
func StreamError(raw json.RawMessage) error {
	return fmt.Errorf("the server reported an error mid-stream: %s", errorMessage(append(append([]byte(`{"error":`), raw...), '}')))
}

// RemoteModel is the part of a Model that a request-level runner shares:
// Info from the server's description, and the token-level methods, which
// a server does not offer, answering ErrUnsupported. Runner packages embed
// it and add Complete and API.
type RemoteModel struct {
	ModelInfo ModelInfo
}

func (m *RemoteModel) Info() ModelInfo { return m.ModelInfo }

func (m *RemoteModel) Tokenize(string, bool, bool) ([]int32, error) {
	return nil, fmt.Errorf("tokenize: %w (a server runs whole requests)", ErrUnsupported)
}

func (m *RemoteModel) TokenPiece(int32) ([]byte, error) {
	return nil, fmt.Errorf("token piece: %w (a server runs whole requests)", ErrUnsupported)
}

func (m *RemoteModel) BOS() int32       { return -1 }
func (m *RemoteModel) IsEOG(int32) bool { return false }
func (m *RemoteModel) Reset() error     { return nil }
func (m *RemoteModel) Close() error     { return nil }
func (m *RemoteModel) Sample(SamplerParams) (int32, error) {
	return 0, fmt.Errorf("sample: %w (a server runs whole requests; bench it with RemoteSweep)", ErrUnsupported)
}

func (m *RemoteModel) Decode(context.Context, []int32) error {
	return fmt.Errorf("decode: %w (a server runs whole requests; bench it with RemoteSweep)", ErrUnsupported)
}
