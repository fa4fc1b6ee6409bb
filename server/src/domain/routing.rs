//! Routing rules: who answers a new conversation, which agent gets the next one, and what
//! an agent's presence is. Free of IO; the store applies them inside its transactions.

use super::widget::{Handler, WidgetSettings};
use crate::domain::id::UserId;

/// Most conversations one agent may be given at once (their `max_chats`).
pub const MAX_CONCURRENT_CHATS: i32 = 100;

/// How conversations find an agent. Stored and serialized as its snake_case name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    LeastLoaded,
    RoundRobin,
    Manual,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::LeastLoaded => "least_loaded",
            Mode::RoundRobin => "round_robin",
            Mode::Manual => "manual",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "least_loaded" => Mode::LeastLoaded,
            "round_robin" => Mode::RoundRobin,
            "manual" => Mode::Manual,
            _ => return None,
        })
    }
}

/// An agent's chosen availability. Stored and serialized as its lower-case name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentStatus {
    Online,
    Away,
    Busy,
    Offline,
}

impl AgentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AgentStatus::Online => "online",
            AgentStatus::Away => "away",
            AgentStatus::Busy => "busy",
            AgentStatus::Offline => "offline",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "online" => AgentStatus::Online,
            "away" => AgentStatus::Away,
            "busy" => AgentStatus::Busy,
            "offline" => AgentStatus::Offline,
            _ => return None,
        })
    }
}

/// What an agent is in effect: their chosen status while their dashboard is connected
/// (seen within `grace_ms`), offline otherwise.
pub fn presence(status: AgentStatus, last_active_at: Option<i64>, now: i64, grace_ms: i64) -> AgentStatus {
    match last_active_at {
        Some(seen) if now - seen <= grace_ms => status,
        _ => AgentStatus::Offline,
    }
}

/// Who answers a conversation. Stored and serialized as its lower-case name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Responder {
    Agents,
    Bot,
    Workflow,
}

impl Responder {
    pub fn as_str(self) -> &'static str {
        match self {
            Responder::Agents => "agents",
            Responder::Bot => "bot",
            Responder::Workflow => "workflow",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "agents" => Responder::Agents,
            "bot" => Responder::Bot,
            "workflow" => Responder::Workflow,
            _ => return None,
        })
    }
}

/// The one place that decides who answers a new conversation (seed 004's "human if
/// available, else AI" is `Hybrid`). Without a model (`bot_available` false) the bot's
/// conversations go to the agents, and so does a `Workflow` widget's without steps, so
/// nobody waits for an answerer that does not exist.
pub fn first_responder(settings: &WidgetSettings, agent_available: bool, bot_available: bool) -> Responder {
    match settings.handler {
        Handler::Agent => Responder::Agents,
        Handler::Workflow if settings.flow.steps.is_empty() => Responder::Agents,
        Handler::Workflow => Responder::Workflow,
        Handler::AiBot | Handler::Hybrid if !bot_available => Responder::Agents,
        Handler::AiBot => Responder::Bot,
        Handler::Hybrid if agent_available => Responder::Agents,
        Handler::Hybrid => Responder::Bot,
    }
}

/// An agent who could take a conversation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub user_id: UserId,
    /// Open conversations assigned now.
    pub load: i64,
    pub capacity: i64,
    /// Round-robin turn: `None` (never) goes first.
    pub last_assigned_at: Option<i64>,
}

/// The agent who gets the next conversation, if anyone has room.
pub fn pick(mode: Mode, candidates: &[Candidate]) -> Option<usize> {
    let free = candidates.iter().enumerate().filter(|(_, c)| c.load < c.capacity);
    let turn = |c: &Candidate| (c.last_assigned_at.unwrap_or(i64::MIN), c.user_id.clone());
    match mode {
        Mode::Manual => None,
        Mode::LeastLoaded => free.min_by_key(|(_, c)| (c.load, turn(c))).map(|(i, _)| i),
        Mode::RoundRobin => free.min_by_key(|(_, c)| turn(c)).map(|(i, _)| i),
    }
}

/// The turn stamp for the next assignment: `now`, or just after the latest stamp when
/// several assignments happen within one millisecond, so turns keep rotating.
pub fn next_turn(candidates: &[Candidate], now: i64) -> i64 {
    candidates.iter().filter_map(|c| c.last_assigned_at).max().map_or(now, |latest| now.max(latest + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(id: &str, load: i64, capacity: i64, last: Option<i64>) -> Candidate {
        Candidate { user_id: id.into(), load, capacity, last_assigned_at: last }
    }

    #[test]
    fn least_loaded_with_turns_for_ties() {
        let agents = vec![agent("a", 2, 5, Some(10)), agent("b", 1, 5, Some(20)), agent("c", 1, 5, Some(5))];
        assert_eq!(pick(Mode::LeastLoaded, &agents), Some(2), "lowest load, then whoever waited longest");
        let full = vec![agent("a", 5, 5, None), agent("b", 3, 3, None)];
        assert_eq!(pick(Mode::LeastLoaded, &full), None, "nobody over capacity");
    }

    #[test]
    fn round_robin_ignores_load() {
        let agents = vec![agent("a", 0, 5, Some(30)), agent("b", 4, 5, Some(10)), agent("c", 5, 5, None)];
        assert_eq!(pick(Mode::RoundRobin, &agents), Some(1), "c is full, b's turn");
        assert_eq!(pick(Mode::Manual, &agents), None);
    }

    #[test]
    fn turns_rotate_within_one_millisecond() {
        let mut agents = vec![agent("a", 0, 9, None), agent("b", 0, 9, None), agent("c", 0, 9, None)];
        let mut order = Vec::new();
        for _ in 0..6 {
            let i = pick(Mode::RoundRobin, &agents).unwrap();
            order.push(agents[i].user_id.clone());
            agents[i].load += 1;
            agents[i].last_assigned_at = Some(next_turn(&agents, 1000));
        }
        assert_eq!(order, vec!["a", "b", "c", "a", "b", "c"]);
    }

    #[test]
    fn presence_needs_a_connected_dashboard() {
        assert_eq!(presence(AgentStatus::Online, Some(1000), 1500, 1000), AgentStatus::Online);
        assert_eq!(presence(AgentStatus::Away, Some(1000), 1500, 1000), AgentStatus::Away);
        assert_eq!(presence(AgentStatus::Online, Some(1000), 2500, 1000), AgentStatus::Offline);
        assert_eq!(presence(AgentStatus::Online, None, 0, 1000), AgentStatus::Offline);
    }

    fn widget(handler: Handler) -> WidgetSettings {
        WidgetSettings { handler, ..WidgetSettings::default() }
    }

    #[test]
    fn hybrid_is_human_first() {
        assert_eq!(first_responder(&widget(Handler::Hybrid), true, true), Responder::Agents);
        assert_eq!(first_responder(&widget(Handler::Hybrid), false, true), Responder::Bot);
        assert_eq!(first_responder(&widget(Handler::Agent), false, true), Responder::Agents);
        assert_eq!(first_responder(&widget(Handler::AiBot), true, true), Responder::Bot);
    }

    #[test]
    fn without_a_model_or_flow_steps_everything_goes_to_the_agents() {
        for handler in [Handler::AiBot, Handler::Hybrid, Handler::Workflow] {
            for agents in [true, false] {
                assert_eq!(first_responder(&widget(handler), agents, false), Responder::Agents, "{handler:?}");
            }
        }
        assert_eq!(first_responder(&widget(Handler::Workflow), false, true), Responder::Agents);
        let mut flow = widget(Handler::Workflow);
        flow.flow.steps.push(crate::domain::flow::Step::default());
        assert_eq!(first_responder(&flow, true, false), Responder::Workflow, "a flow needs no model");
    }
}
