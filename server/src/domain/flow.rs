//! Guided flows: the steps of a `workflow` widget, their validation, and the engine that
//! runs them. The engine is pure: given the flow, where the conversation waits and the
//! visitor's answer, it says what to write (messages, attributes) and where the flow goes
//! (wait at a step, hand to the agents, resolve). `automation` applies it.
//!
//! **Invariants:** a run stops at a waiting step, a route, an end, or after
//! [`MAX_STEPS_PER_RUN`] steps (a loop without a question hands the conversation to the
//! agents); running past the last step hands it to the agents too, so a flow never leaves
//! a visitor without an answerer.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Violations;
use super::account::is_email;
use super::id::TeamId;

/// Most steps a flow has.
pub const MAX_STEPS: usize = 50;
/// Most steps one answer runs before the flow gives up and hands over.
pub const MAX_STEPS_PER_RUN: usize = 100;
const MAX_ID_CHARS: usize = 40;
/// Longest text a step says.
pub const MAX_TEXT_CHARS: usize = 1000;
const MAX_CHOICES: usize = 10;
const MAX_LABEL_CHARS: usize = 60;
const MAX_CASES: usize = 20;
const MAX_SET_ATTRIBUTES: usize = 20;
/// Longest attribute key a flow or rule names.
pub const MAX_ATTRIBUTE_KEY_CHARS: usize = 40;
/// Longest attribute value a flow sets or a rule compares.
pub const MAX_ATTRIBUTE_VALUE_CHARS: usize = 500;
/// Longest free-text answer a collect step keeps.
const MAX_ANSWER_CHARS: usize = 500;

/// The sender id of a flow's messages (`Message.automated`).
pub const FLOW_SENDER_ID: &str = "flow";

/// A widget's guided flow; no steps means none.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Flow {
    pub steps: Vec<Step>,
}

/// What a step does (`FlowStepKind`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Not set: refused by validation.
    #[default]
    Unspecified,
    Message,
    Question,
    Collect,
    Branch,
    SetAttributes,
    Route,
    End,
}

/// What a collect step accepts (`FlowField`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// Not set: refused on collect steps.
    #[default]
    Unspecified,
    Text,
    Email,
    Phone,
    OrderNumber,
}

/// One step; which fields count depends on `kind` (as `FlowStep` documents).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Step {
    pub id: String,
    pub kind: StepKind,
    pub text: String,
    pub choices: Vec<Choice>,
    pub field: Field,
    pub attribute: String,
    pub attributes: BTreeMap<String, String>,
    pub cases: Vec<Case>,
    pub next: String,
    pub team_id: Option<TeamId>,
    pub invalid_text: String,
}

/// An answer a question offers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Choice {
    pub label: String,
    pub next: String,
}

/// A branch's case.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Case {
    pub equals: String,
    pub next: String,
}

/// Whether `key` may name a visitor attribute in a flow or a rule.
pub fn is_attribute_key(key: &str) -> bool {
    !key.is_empty()
        && key.chars().count() <= MAX_ATTRIBUTE_KEY_CHARS
        && key.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
}

fn is_step_id(id: &str) -> bool {
    !id.is_empty()
        && id.chars().count() <= MAX_ID_CHARS
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

impl Flow {
    /// Checks every step (violations under `prefix`, e.g. `settings.flow`), trimming texts
    /// and ids. Team ids are the caller's to check against the store.
    pub fn validate(mut self, prefix: &str, v: &mut Violations) -> Self {
        if self.steps.len() > MAX_STEPS {
            v.add(format!("{prefix}.steps"), format!("at most {MAX_STEPS} steps (this flow has {})", self.steps.len()));
            return self;
        }
        for step in &mut self.steps {
            step.id = step.id.trim().to_owned();
            step.next = step.next.trim().to_owned();
            step.text = step.text.trim().to_owned();
            step.attribute = step.attribute.trim().to_owned();
            for choice in &mut step.choices {
                choice.label = choice.label.trim().to_owned();
                choice.next = choice.next.trim().to_owned();
            }
            for case in &mut step.cases {
                case.equals = case.equals.trim().to_owned();
                case.next = case.next.trim().to_owned();
            }
        }
        let ids: Vec<&str> = self.steps.iter().map(|s| s.id.as_str()).collect();
        let known = |next: &str| next.is_empty() || ids.contains(&next);
        for (i, step) in self.steps.iter().enumerate() {
            let at = format!("{prefix}.steps[{i}]");
            if !is_step_id(&step.id) {
                v.add(format!("{at}.id"), format!("must be 1 to {MAX_ID_CHARS} characters of a-z, 0-9, _ and -"));
            } else if ids[..i].contains(&step.id.as_str()) {
                v.add(format!("{at}.id"), "another step has this id");
            }
            if !known(&step.next) {
                v.add(format!("{at}.next"), "must be the id of a step of this flow, or empty for the next one");
            }
            let chars = step.text.chars().count();
            if chars > MAX_TEXT_CHARS {
                v.add(format!("{at}.text"), format!("must be at most {MAX_TEXT_CHARS} characters (this has {chars})"));
            }
            let says = matches!(step.kind, StepKind::Message | StepKind::Question | StepKind::Collect);
            if says && step.text.is_empty() {
                v.add(format!("{at}.text"), "this step says something: write its text");
            }
            let attribute_ok = is_attribute_key(&step.attribute);
            match step.kind {
                StepKind::Unspecified => v.add(
                    format!("{at}.kind"),
                    "choose what the step does: message, question, collect, branch, set attributes, route or end",
                ),
                StepKind::Question => {
                    if step.choices.is_empty() || step.choices.len() > MAX_CHOICES {
                        v.add(format!("{at}.choices"), format!("a question offers 1 to {MAX_CHOICES} answers"));
                    }
                    for (j, choice) in step.choices.iter().enumerate() {
                        let n = choice.label.chars().count();
                        if n == 0 || n > MAX_LABEL_CHARS || choice.label.chars().any(char::is_control) {
                            v.add(
                                format!("{at}.choices[{j}].label"),
                                format!("must be 1 to {MAX_LABEL_CHARS} characters"),
                            );
                        } else if step.choices[..j]
                            .iter()
                            .any(|c| c.label.to_lowercase() == choice.label.to_lowercase())
                        {
                            v.add(format!("{at}.choices[{j}].label"), "another answer of this question has this label");
                        }
                        if !known(&choice.next) {
                            v.add(format!("{at}.choices[{j}].next"), "must be the id of a step of this flow, or empty");
                        }
                    }
                    if !step.attribute.is_empty() && !attribute_ok {
                        v.add(format!("{at}.attribute"), attribute_rule());
                    }
                }
                StepKind::Collect => {
                    if step.field == Field::Unspecified {
                        v.add(format!("{at}.field"), "choose what to collect: text, e-mail, phone or order number");
                    }
                    if !attribute_ok {
                        v.add(format!("{at}.attribute"), attribute_rule());
                    }
                    if step.invalid_text.chars().count() > MAX_TEXT_CHARS {
                        v.add(format!("{at}.invalid_text"), format!("must be at most {MAX_TEXT_CHARS} characters"));
                    }
                }
                StepKind::Branch => {
                    if !attribute_ok {
                        v.add(format!("{at}.attribute"), attribute_rule());
                    }
                    if step.cases.len() > MAX_CASES {
                        v.add(format!("{at}.cases"), format!("at most {MAX_CASES} cases"));
                    }
                    for (j, case) in step.cases.iter().enumerate() {
                        if case.equals.chars().count() > MAX_ATTRIBUTE_VALUE_CHARS {
                            v.add(
                                format!("{at}.cases[{j}].equals"),
                                format!("must be at most {MAX_ATTRIBUTE_VALUE_CHARS} characters"),
                            );
                        }
                        if !known(&case.next) {
                            v.add(format!("{at}.cases[{j}].next"), "must be the id of a step of this flow, or empty");
                        }
                    }
                }
                StepKind::SetAttributes => {
                    if step.attributes.is_empty() || step.attributes.len() > MAX_SET_ATTRIBUTES {
                        v.add(format!("{at}.attributes"), format!("set 1 to {MAX_SET_ATTRIBUTES} attributes"));
                    }
                    for (key, value) in &step.attributes {
                        if !is_attribute_key(key) {
                            v.add(format!("{at}.attributes[{key}]"), attribute_rule());
                        } else if value.chars().count() > MAX_ATTRIBUTE_VALUE_CHARS {
                            v.add(
                                format!("{at}.attributes[{key}]"),
                                format!("values must be at most {MAX_ATTRIBUTE_VALUE_CHARS} characters"),
                            );
                        }
                    }
                }
                StepKind::Message | StepKind::Route | StepKind::End => {}
            }
        }
        self
    }

    fn index(&self, id: &str) -> Option<usize> {
        self.steps.iter().position(|s| s.id == id)
    }

    /// The step `next` names, or the one after `current` when it is empty.
    fn after(&self, current: usize, next: &str) -> Position {
        if next.is_empty() {
            return Position::At(current + 1);
        }
        self.index(next).map_or(Position::Lost, Position::At)
    }
}

fn attribute_rule() -> String {
    format!("must be an attribute key: 1 to {MAX_ATTRIBUTE_KEY_CHARS} characters of letters, digits, _, - and .")
}

enum Position {
    At(usize),
    /// A `next` that names no step (the flow was edited while the visitor was in it).
    Lost,
}

/// Something a run writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// An automated message, with the answers offered as buttons.
    Say { text: String, quick_replies: Vec<String> },
    /// Sets a visitor attribute; `email` also when the visitor has no address yet.
    SetAttribute { key: String, value: String, email: bool },
}

/// Where a run leaves the conversation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Then {
    /// Waiting for the visitor's answer to this step.
    Wait(String),
    /// To the agents of this team (`None`: the widget's), for this reason.
    Route(Option<TeamId>, RouteReason),
    /// Resolved: the flow is over.
    End,
}

/// Why a flow handed the conversation over (the transcript's line says it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RouteReason {
    /// A route step.
    Step,
    /// Past the last step.
    Finished,
    /// The flow changed under the conversation, or looped without asking anything.
    Broken,
}

/// What a run comes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    pub effects: Vec<Effect>,
    pub then: Then,
}

/// Runs the flow from its first step (a conversation starting).
pub fn start(flow: &Flow, attributes: &BTreeMap<String, String>) -> Run {
    let mut run = Runner { flow, attributes: attributes.clone(), effects: Vec::new() };
    let then = run.from(Position::At(0));
    Run { effects: run.effects, then }
}

/// The visitor answered `text` to the step `waiting`.
pub fn answer(flow: &Flow, waiting: &str, text: &str, attributes: &BTreeMap<String, String>) -> Run {
    let mut run = Runner { flow, attributes: attributes.clone(), effects: Vec::new() };
    let then = match flow.index(waiting) {
        None => Then::Route(None, RouteReason::Broken),
        Some(i) => run.answer(i, text.trim()),
    };
    Run { effects: run.effects, then }
}

/// What a flow shows before its conversation exists: its messages up to the first wait.
/// Steps that set attributes or branch on them are not run here; the opening stops there.
pub fn opening(flow: &Flow) -> Vec<(String, Vec<String>)> {
    let mut shown = Vec::new();
    let mut i = 0;
    while let Some(step) = flow.steps.get(i) {
        if shown.len() >= MAX_STEPS {
            break;
        }
        match step.kind {
            StepKind::Message => {
                shown.push((step.text.clone(), Vec::new()));
                match flow.after(i, &step.next) {
                    Position::At(n) => i = n,
                    Position::Lost => break,
                }
            }
            StepKind::Question => {
                shown.push((step.text.clone(), labels(step)));
                break;
            }
            StepKind::Collect => {
                shown.push((step.text.clone(), Vec::new()));
                break;
            }
            StepKind::Route | StepKind::End if !step.text.is_empty() => {
                shown.push((step.text.clone(), Vec::new()));
                break;
            }
            _ => break,
        }
    }
    shown
}

fn labels(step: &Step) -> Vec<String> {
    step.choices.iter().map(|c| c.label.clone()).collect()
}

struct Runner<'a> {
    flow: &'a Flow,
    attributes: BTreeMap<String, String>,
    effects: Vec<Effect>,
}

impl Runner<'_> {
    fn say(&mut self, text: &str, quick_replies: Vec<String>) {
        self.effects.push(Effect::Say { text: text.to_owned(), quick_replies });
    }

    fn set(&mut self, key: &str, value: &str, email: bool) {
        self.attributes.insert(key.to_owned(), value.to_owned());
        self.effects.push(Effect::SetAttribute { key: key.to_owned(), value: value.to_owned(), email });
    }

    fn answer(&mut self, i: usize, text: &str) -> Then {
        let step = &self.flow.steps[i];
        match step.kind {
            StepKind::Question => {
                let chosen = step.choices.iter().find(|c| c.label.to_lowercase() == text.to_lowercase());
                match chosen {
                    Some(choice) => {
                        if !step.attribute.is_empty() {
                            self.set(&step.attribute, &choice.label, false);
                        }
                        self.from(self.flow.after(i, &choice.next))
                    }
                    None if !step.next.is_empty() => self.from(self.flow.after(i, &step.next)),
                    None => {
                        self.say("Please choose one of these answers.", labels(step));
                        Then::Wait(step.id.clone())
                    }
                }
            }
            StepKind::Collect => match collected(step.field, text) {
                Some(value) => {
                    self.set(&step.attribute, &value, step.field == Field::Email);
                    self.from(self.flow.after(i, &step.next))
                }
                None => {
                    let retry = if step.invalid_text.is_empty() {
                        invalid_default(step.field).to_owned()
                    } else {
                        step.invalid_text.clone()
                    };
                    self.say(&retry, Vec::new());
                    Then::Wait(step.id.clone())
                }
            },
            // Only questions and collect steps wait; anything else means the flow changed.
            _ => Then::Route(None, RouteReason::Broken),
        }
    }

    /// Runs from `position` until a step waits or the flow leaves the conversation.
    fn from(&mut self, mut position: Position) -> Then {
        for _ in 0..MAX_STEPS_PER_RUN {
            let i = match position {
                Position::Lost => return Then::Route(None, RouteReason::Broken),
                Position::At(i) => i,
            };
            let Some(step) = self.flow.steps.get(i) else {
                return Then::Route(None, RouteReason::Finished);
            };
            position = match step.kind {
                StepKind::Message => {
                    self.say(&step.text, Vec::new());
                    self.flow.after(i, &step.next)
                }
                StepKind::Question => {
                    self.say(&step.text, labels(step));
                    return Then::Wait(step.id.clone());
                }
                StepKind::Collect => {
                    self.say(&step.text, Vec::new());
                    return Then::Wait(step.id.clone());
                }
                StepKind::Branch => {
                    let value = self.attributes.get(&step.attribute).map(|v| v.to_lowercase()).unwrap_or_default();
                    let case = step.cases.iter().find(|c| c.equals.to_lowercase() == value);
                    match case {
                        Some(case) => self.flow.after(i, &case.next),
                        None => self.flow.after(i, &step.next),
                    }
                }
                StepKind::SetAttributes => {
                    for (key, value) in &step.attributes {
                        self.set(key, value, false);
                    }
                    self.flow.after(i, &step.next)
                }
                StepKind::Route => {
                    if !step.text.is_empty() {
                        self.say(&step.text, Vec::new());
                    }
                    return Then::Route(step.team_id.clone(), RouteReason::Step);
                }
                StepKind::End => {
                    if !step.text.is_empty() {
                        self.say(&step.text, Vec::new());
                    }
                    return Then::End;
                }
                StepKind::Unspecified => return Then::Route(None, RouteReason::Broken),
            };
        }
        Then::Route(None, RouteReason::Broken)
    }
}

fn invalid_default(field: Field) -> &'static str {
    match field {
        Field::Email => "That doesn't look like an e-mail address. Please type it again, like name@example.com.",
        Field::Phone => {
            "That doesn't look like a phone number. Please type it again, digits only or with +, - and spaces."
        }
        Field::OrderNumber => {
            "That doesn't look like an order number. Please type it again, as it appears on your receipt."
        }
        Field::Text | Field::Unspecified => "Please type your answer.",
    }
}

/// The answer as kept when it is a valid `field`, else `None`.
pub fn collected(field: Field, text: &str) -> Option<String> {
    let text = text.trim();
    match field {
        Field::Email => {
            let email = text.to_lowercase();
            is_email(&email).then_some(email)
        }
        Field::Phone => {
            let digits = text.chars().filter(char::is_ascii_digit).count();
            let allowed = text.chars().all(|c| c.is_ascii_digit() || " +-.()".contains(c));
            (allowed && (6..=20).contains(&digits)).then(|| text.to_owned())
        }
        Field::OrderNumber => {
            let number = text.strip_prefix('#').unwrap_or(text).trim();
            let n = number.chars().count();
            let ok = (3..=40).contains(&n)
                && number.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && number.chars().any(|c| c.is_ascii_digit());
            ok.then(|| number.to_owned())
        }
        Field::Text | Field::Unspecified => {
            let n = text.chars().count();
            (1..=MAX_ANSWER_CHARS).contains(&n).then(|| text.to_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(id: &str, kind: StepKind) -> Step {
        Step { id: id.into(), kind, ..Step::default() }
    }

    /// Question → (Sales: collect e-mail → route to a team) | (Support: end).
    fn sales_flow(team: &TeamId) -> Flow {
        let mut hello = step("hello", StepKind::Message);
        hello.text = "Hi!".into();
        let mut ask = step("ask", StepKind::Question);
        ask.text = "What can we help with?".into();
        ask.attribute = "topic".into();
        ask.choices = vec![
            Choice { label: "Sales".into(), next: String::new() },
            Choice { label: "Support".into(), next: "bye".into() },
        ];
        let mut email = step("email", StepKind::Collect);
        email.text = "Your e-mail?".into();
        email.field = Field::Email;
        email.attribute = "email".into();
        let mut route = step("route", StepKind::Route);
        route.text = "Connecting you with Sales…".into();
        route.team_id = Some(team.clone());
        let mut bye = step("bye", StepKind::End);
        bye.text = "Thanks, bye".into();
        Flow { steps: vec![hello, ask, email, route, bye] }
    }

    fn said(run: &Run) -> Vec<&str> {
        run.effects
            .iter()
            .filter_map(|e| match e {
                Effect::Say { text, .. } => Some(text.as_str()),
                Effect::SetAttribute { .. } => None,
            })
            .collect()
    }

    #[test]
    fn a_flow_runs_to_its_first_question_then_follows_the_answers() {
        let team = TeamId::new();
        let flow = sales_flow(&team);
        let none = BTreeMap::new();
        let run = start(&flow, &none);
        assert_eq!(said(&run), ["Hi!", "What can we help with?"]);
        assert_eq!(run.then, Then::Wait("ask".into()));
        assert!(matches!(&run.effects[1], Effect::Say { quick_replies, .. } if quick_replies == &["Sales", "Support"]));
        assert_eq!(
            opening(&flow),
            vec![
                ("Hi!".to_owned(), vec![]),
                ("What can we help with?".to_owned(), vec!["Sales".to_owned(), "Support".to_owned()])
            ]
        );

        let run = answer(&flow, "ask", " sales ", &none);
        assert_eq!(said(&run), ["Your e-mail?"]);
        assert_eq!(run.then, Then::Wait("email".into()));
        assert!(run.effects.contains(&Effect::SetAttribute {
            key: "topic".into(),
            value: "Sales".into(),
            email: false
        }));

        let run = answer(&flow, "ask", "pizza", &none);
        assert_eq!(said(&run), ["Please choose one of these answers."]);
        assert_eq!(run.then, Then::Wait("ask".into()), "an answer that matches nothing asks again");

        let run = answer(&flow, "email", "not an address", &none);
        assert_eq!(run.then, Then::Wait("email".into()));
        assert!(said(&run)[0].contains("e-mail address"));

        let run = answer(&flow, "email", " Ada@Example.com ", &none);
        assert_eq!(said(&run), ["Connecting you with Sales…"]);
        assert_eq!(run.then, Then::Route(Some(team), RouteReason::Step));
        assert!(run.effects.contains(&Effect::SetAttribute {
            key: "email".into(),
            value: "ada@example.com".into(),
            email: true
        }));

        let run = answer(&flow, "ask", "Support", &none);
        assert_eq!(said(&run), ["Thanks, bye"]);
        assert_eq!(run.then, Then::End);
    }

    #[test]
    fn branches_read_attributes_set_earlier_in_the_run() {
        let mut set = step("set", StepKind::SetAttributes);
        set.attributes.insert("plan".into(), "Pro".into());
        let mut branch = step("branch", StepKind::Branch);
        branch.attribute = "plan".into();
        branch.cases = vec![Case { equals: "pro".into(), next: "pro".into() }];
        branch.next = "free".into();
        let mut pro = step("pro", StepKind::End);
        pro.text = "Pro".into();
        let mut free = step("free", StepKind::End);
        free.text = "Free".into();
        let flow = Flow { steps: vec![set, branch, pro, free] };
        assert_eq!(said(&start(&flow, &BTreeMap::new())), ["Pro"]);
    }

    #[test]
    fn a_flow_never_strands_the_visitor() {
        let mut only = step("only", StepKind::Message);
        only.text = "Hello".into();
        let flow = Flow { steps: vec![only.clone()] };
        assert_eq!(start(&flow, &BTreeMap::new()).then, Then::Route(None, RouteReason::Finished));
        only.next = "only".into();
        let looping = Flow { steps: vec![only] };
        let run = start(&looping, &BTreeMap::new());
        assert_eq!(run.then, Then::Route(None, RouteReason::Broken));
        assert_eq!(run.effects.len(), MAX_STEPS_PER_RUN, "bounded");
        let team = TeamId::new();
        assert_eq!(
            answer(&sales_flow(&team), "gone", "hi", &BTreeMap::new()).then,
            Then::Route(None, RouteReason::Broken)
        );
    }

    #[test]
    fn collected_fields_are_validated() {
        assert_eq!(collected(Field::Phone, "+49 (30) 123-456"), Some("+49 (30) 123-456".into()));
        assert_eq!(collected(Field::Phone, "12345"), None);
        assert_eq!(collected(Field::Phone, "call me"), None);
        assert_eq!(collected(Field::OrderNumber, "#A-1042"), Some("A-1042".into()));
        assert_eq!(collected(Field::OrderNumber, "ABCDEF"), None);
        assert_eq!(collected(Field::Text, "   "), None);
        assert_eq!(collected(Field::Email, "a@b"), None);
    }

    #[test]
    fn validation_names_each_bad_step_field() {
        let team = TeamId::new();
        let mut flow = sales_flow(&team);
        flow.steps[1].choices[1].next = "nowhere".into();
        flow.steps[2].field = Field::Unspecified;
        flow.steps[3].id = "Bad Id".into();
        flow.steps.push(step("hello", StepKind::Unspecified));
        let mut v = Violations::default();
        let _ = flow.validate("settings.flow", &mut v);
        let fields: Vec<&str> = v.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "settings.flow.steps[1].choices[1].next",
                "settings.flow.steps[2].field",
                "settings.flow.steps[3].id",
                "settings.flow.steps[5].id",
                "settings.flow.steps[5].kind",
            ]
        );
        let mut v = Violations::default();
        let _ = sales_flow(&team).validate("f", &mut v);
        assert!(v.0.is_empty());
    }
}
