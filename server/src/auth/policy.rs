//! Who may call what: one table for every gRPC method the server knows.
//!
//! **Invariant:** a method missing from this table is refused (fail closed); a test checks
//! that every method in the proto descriptor set has an entry.

use crate::domain::account::Role;

/// The credentials a method needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// No credentials (the request itself carries what is checked, e.g. a password).
    Public,
    /// A member access token with at least this role.
    Member(Role),
    /// A visitor token (the visitor API).
    Visitor,
}

/// The access rule of a gRPC method path (`/package.Service/Method`), if it has one.
pub fn access_for(path: &str) -> Option<Access> {
    use Access::{Member, Public, Visitor};
    let (service, method) = path.strip_prefix('/')?.split_once('/')?;
    let access = match (service, method) {
        ("grpc.health.v1.Health", _) => Public,
        ("grpc.reflection.v1.ServerReflection" | "grpc.reflection.v1alpha.ServerReflection", _) => Public,

        (
            "porthole.v1.AuthService",
            "SignUp"
            | "GetSignUpPolicy"
            | "LogIn"
            | "RefreshSession"
            | "LogOut"
            | "AcceptInvite"
            | "RequestPasswordReset"
            | "ResetPassword",
        ) => Public,
        ("porthole.v1.AuthService", "GetMe" | "UpdateMe") => Member(Role::Agent),

        ("porthole.v1.WorkspaceService", "GetWorkspace" | "ListMembers" | "SetMyStatus" | "GetSetupProgress") => {
            Member(Role::Agent)
        }
        (
            "porthole.v1.WorkspaceService",
            "UpdateWorkspace" | "UpdateMember" | "RemoveMember" | "CreateInvite" | "ListInvites" | "RevokeInvite"
            | "GetWorkload",
        ) => Member(Role::Admin),

        ("porthole.v1.WorkspaceService", "ListAuditLog" | "ListJobs" | "RetryJob") => Member(Role::Owner),

        ("porthole.v1.WidgetService", "ListWidgets" | "GetWidget" | "GetEmbedSnippet") => Member(Role::Agent),
        (
            "porthole.v1.WidgetService",
            "CreateWidget"
            | "UpdateWidget"
            | "DeleteWidget"
            | "SetWidgetActive"
            | "RegenerateWidgetToken"
            | "GetIdentitySecret"
            | "RotateIdentitySecret",
        ) => Member(Role::Admin),

        // A visitor's data as a whole leaves the workspace or is destroyed: admins only.
        ("porthole.v1.ConversationService", "ExportVisitorData" | "EraseVisitor") => Member(Role::Admin),
        // Every agent works the whole inbox, including each visitor's details and the pages
        // they viewed (ListVisitorPageViews).
        ("porthole.v1.ConversationService", _) => Member(Role::Agent),

        // Agents use canned responses while chatting; admins and owners curate them.
        ("porthole.v1.CannedResponseService", "ListCannedResponses") => Member(Role::Agent),
        (
            "porthole.v1.CannedResponseService",
            "CreateCannedResponse" | "UpdateCannedResponse" | "DeleteCannedResponse",
        ) => Member(Role::Admin),

        // Everyone sees the teams (inbox filter, transfer); admins and owners form them.
        ("porthole.v1.TeamService", "ListTeams") => Member(Role::Agent),
        ("porthole.v1.TeamService", "CreateTeam" | "UpdateTeam" | "DeleteTeam") => Member(Role::Admin),
        // Everyone sees what automation does in their conversations; admins and owners set it.
        ("porthole.v1.RuleService", "ListRules") => Member(Role::Agent),
        ("porthole.v1.ReportService", "GetReport" | "ExportConversations") => Member(Role::Admin),
        ("porthole.v1.ReportService", "WatchLiveFigures") => Member(Role::Agent),
        ("porthole.v1.RuleService", "CreateRule" | "UpdateRule" | "DeleteRule") => Member(Role::Admin),
        // Usage, failures and the model of the bot are the business's (admins set widgets up).
        ("porthole.v1.BotService", "GetBotStatus" | "SetWorkspaceModel") => Member(Role::Admin),
        // Every agent may ask for a draft or a summary while chatting.
        ("porthole.v1.BotService", "SuggestReply" | "SummarizeConversation") => Member(Role::Agent),
        // Agents search the knowledge base while chatting; admins and owners curate it.
        ("porthole.v1.KnowledgeService", "ListArticles" | "GetArticle" | "SearchArticles") => Member(Role::Agent),
        ("porthole.v1.KnowledgeService", "CreateArticle" | "UpdateArticle" | "DeleteArticle") => Member(Role::Admin),

        // Everyone manages their own notifications; the workspace's defaults are admins'.
        ("porthole.v1.NotificationService", "UpdateWorkspaceNotificationDefaults") => Member(Role::Admin),
        ("porthole.v1.NotificationService", _) => Member(Role::Agent),

        // Webhooks send the workspace's conversations elsewhere: admins and owners.
        ("porthole.v1.WebhookService", _) => Member(Role::Admin),

        ("porthole.v1.VisitorService", "GetWidgetConfig" | "StartSession") => Public,
        ("porthole.v1.VisitorService", _) => Visitor,

        _ => return None,
    };
    Some(access)
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message as _;

    /// Every method of every Porthole service has a rule, and unknown paths have none.
    #[test]
    fn every_method_has_a_rule() {
        let set = prost_types::FileDescriptorSet::decode(porthole_proto::FILE_DESCRIPTOR_SET).unwrap();
        let mut methods = 0;
        for file in set.file.iter().filter(|f| f.package() == "porthole.v1") {
            for service in &file.service {
                for method in &service.method {
                    let path = format!("/porthole.v1.{}/{}", service.name(), method.name());
                    assert!(access_for(&path).is_some(), "{path} has no access rule");
                    methods += 1;
                }
            }
        }
        assert!(methods > 40, "descriptor set looks incomplete: {methods} methods");
        assert_eq!(access_for("/porthole.v1.Nope/Nope"), None);
        assert_eq!(access_for("/porthole.v1.AuthService/Nope"), None);
        assert_eq!(access_for("not a path"), None);
    }

    #[test]
    fn admin_only_methods() {
        assert_eq!(access_for("/porthole.v1.WidgetService/CreateWidget"), Some(Access::Member(Role::Admin)));
        assert_eq!(access_for("/porthole.v1.WidgetService/ListWidgets"), Some(Access::Member(Role::Agent)));
        assert_eq!(access_for("/porthole.v1.AuthService/LogIn"), Some(Access::Public));
        let canned = |method: &str| access_for(&format!("/porthole.v1.CannedResponseService/{method}"));
        assert_eq!(canned("ListCannedResponses"), Some(Access::Member(Role::Agent)));
        for method in ["CreateCannedResponse", "UpdateCannedResponse", "DeleteCannedResponse"] {
            assert_eq!(canned(method), Some(Access::Member(Role::Admin)), "{method}");
        }
    }

    #[test]
    fn visitor_history_is_for_members_only() {
        let path = "/porthole.v1.ConversationService/ListVisitorPageViews";
        assert_eq!(access_for(path), Some(Access::Member(Role::Agent)));
    }
}
