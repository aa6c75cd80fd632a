package serve

import (
	"errors"
	"fmt"
	"strings"
)

// Message is one chat message.
type Message struct {
	Role    string // "system", "user" or "assistant"
	Content string
}

// Template renders a conversation into the prompt text of one model
// family, ending with the opening of the assistant's turn. BOS is not in
// the text: the tokenizer adds it.
type Template struct {
	Name   string // llama3, chatml, gemma, phi3
	render func(msgs []Message) (string, error)
}

// Render returns the prompt for msgs.
func (t Template) Render(msgs []Message) (string, error) {
	for i, m := range msgs {
		switch m.Role {
		case "system", "user", "assistant":
		default:
			return "", fmt.Errorf("message %d: role %q: want system, user or assistant", i, m.Role)
		}
	}
	return t.render(msgs)
}

// ErrNoTemplate is returned (wrapped) when a model has no chat template.
var ErrNoTemplate = errors.New("the model has no chat template (tokenizer.chat_template); pass --chat-template llama3|chatml|gemma|phi3")

// ErrUnknownTemplate is returned (wrapped) for a chat template odbench cannot render.
var ErrUnknownTemplate = errors.New("chat template not recognized")

// templates are the families odbench renders, with the markers that
// identify their Jinja text, in the order they are tried.
var templates = []struct {
	t       Template
	markers []string
}{
	{Template{"llama3", renderLlama3}, []string{"<|start_header_id|>", "<|eot_id|>"}},
	{Template{"chatml", renderChatML}, []string{"<|im_start|>", "<|im_end|>"}},
	{Template{"gemma", renderGemma}, []string{"<start_of_turn>", "<end_of_turn>"}},
	{Template{"phi3", renderPhi3}, []string{"<|user|>", "<|end|>", "<|assistant|>"}},
}

// TemplateNames lists the families by name.
func TemplateNames() []string {
	names := make([]string, len(templates))
	for i, e := range templates {
		names[i] = e.t.Name
	}
	return names
}

// TemplateByName returns the template of a family: llama3, chatml, gemma, phi3.
func TemplateByName(name string) (Template, error) {
	for _, e := range templates {
		if e.t.Name == name {
			return e.t, nil
		}
	}
	return Template{}, fmt.Errorf("%w: %q (want one of %s)", ErrUnknownTemplate, name, strings.Join(TemplateNames(), ", "))
}

// DetectTemplate picks the family whose markers are all in the Jinja text
// of a model's tokenizer.chat_template.
func DetectTemplate(jinja string) (Template, error) {
	if strings.TrimSpace(jinja) == "" {
		return Template{}, ErrNoTemplate
	}
	for _, e := range templates {
		all := true
		for _, m := range e.markers {
			all = all && strings.Contains(jinja, m)
		}
		if all {
			return e.t, nil
		}
	}
	return Template{}, fmt.Errorf("%w: none of the markers of %s is in it; pass --chat-template with one of them", ErrUnknownTemplate, strings.Join(TemplateNames(), ", "))
}

func renderLlama3(msgs []Message) (string, error) {
	var b strings.Builder
	for _, m := range msgs {
		fmt.Fprintf(&b, "<|start_header_id|>%s<|end_header_id|>\n\n%s<|eot_id|>", m.Role, strings.TrimSpace(m.Content))
	}
	b.WriteString("<|start_header_id|>assistant<|end_header_id|>\n\n")
	return b.String(), nil
}

func renderChatML(msgs []Message) (string, error) {
	var b strings.Builder
	for _, m := range msgs {
		fmt.Fprintf(&b, "<|im_start|>%s\n%s<|im_end|>\n", m.Role, m.Content)
	}
	b.WriteString("<|im_start|>assistant\n")
	return b.String(), nil
}

// renderGemma follows Gemma's template: no system role (a system message
// opens the first user turn), "model" for the assistant.
func renderGemma(msgs []Message) (string, error) {
	var b strings.Builder
	var system string
	for i, m := range msgs {
		role := m.Role
		switch role {
		case "system":
			if i != 0 {
				return "", fmt.Errorf("gemma: a system message must come first, not at %d", i)
			}
			system = m.Content + "\n\n"
			continue
		case "assistant":
			role = "model"
		}
		fmt.Fprintf(&b, "<start_of_turn>%s\n%s%s<end_of_turn>\n", role, system, strings.TrimSpace(m.Content))
		system = ""
	}
	b.WriteString("<start_of_turn>model\n")
	return b.String(), nil
}

func renderPhi3(msgs []Message) (string, error) {
	var b strings.Builder
	for _, m := range msgs {
		fmt.Fprintf(&b, "<|%s|>\n%s<|end|>\n", m.Role, m.Content)
	}
	b.WriteString("<|assistant|>\n")
	return b.String(), nil
}
