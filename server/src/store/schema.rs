//! Diesel table definitions, shared by both backends (the migrations under
//! `migrations/{sqlite,postgres}` create the same columns with each backend's types).

diesel::table! {
    server_secrets (name) {
        name -> Text,
        value -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    workspaces (id) {
        id -> Text,
        name -> Text,
        created_at -> BigInt,
        event_seq -> BigInt,
        routing_mode -> Text,
        unassign_on_offline -> Bool,
        notified_seq -> BigInt,
        bot_last_error -> Text,
        bot_last_error_at -> Nullable<BigInt>,
        has_rules -> Bool,
        time_zone -> Text,
    }
}

diesel::table! {
    bot_usage (workspace_id, day) {
        workspace_id -> Text,
        day -> Text,
        requests -> BigInt,
        prompt_tokens -> BigInt,
        completion_tokens -> BigInt,
        answers -> BigInt,
        hand_offs -> BigInt,
        failures -> BigInt,
    }
}

diesel::table! {
    workspace_models (workspace_id) {
        workspace_id -> Text,
        base_url -> Text,
        model -> Text,
        api_key -> Text,
        updated_at -> BigInt,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        password_hash -> Text,
        display_name -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    memberships (workspace_id, user_id) {
        workspace_id -> Text,
        user_id -> Text,
        role -> Text,
        created_at -> BigInt,
        last_active_at -> Nullable<BigInt>,
        status -> Text,
        max_chats -> Integer,
        last_assigned_at -> Nullable<BigInt>,
        present -> Bool,
        presence_counted -> Text,
        presence_since -> Nullable<BigInt>,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        family_id -> Text,
        user_id -> Text,
        workspace_id -> Text,
        token_hash -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
        used_at -> Nullable<BigInt>,
        revoked_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    invites (id) {
        id -> Text,
        workspace_id -> Text,
        email -> Text,
        role -> Text,
        token_hash -> Text,
        invited_by -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
        accepted_at -> Nullable<BigInt>,
        revoked_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    widgets (id) {
        id -> Text,
        workspace_id -> Text,
        name -> Text,
        public_token -> Text,
        identity_secret -> Text,
        active -> Bool,
        settings -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
        first_seen_at -> Nullable<BigInt>,
        first_seen_origin -> Text,
    }
}

diesel::table! {
    visitors (id) {
        id -> Text,
        workspace_id -> Text,
        widget_id -> Text,
        name -> Text,
        email -> Text,
        external_id -> Nullable<Text>,
        verified -> Bool,
        attributes -> Text,
        current_url -> Text,
        current_title -> Text,
        referrer -> Text,
        user_agent -> Text,
        browser -> Text,
        os -> Text,
        language -> Text,
        time_zone -> Text,
        ip_address -> Text,
        page_views -> BigInt,
        online -> Bool,
        first_seen_at -> BigInt,
        last_seen_at -> BigInt,
        visit_started_at -> BigInt,
        country_code -> Text,
        city -> Text,
    }
}

diesel::table! {
    page_views (id) {
        id -> BigInt,
        workspace_id -> Text,
        visitor_id -> Text,
        url -> Text,
        title -> Text,
        referrer -> Text,
        viewed_at -> BigInt,
    }
}

diesel::table! {
    conversations (id) {
        id -> Text,
        workspace_id -> Text,
        widget_id -> Text,
        visitor_id -> Text,
        status -> Text,
        priority -> Text,
        assignee_user_id -> Nullable<Text>,
        tags -> Text,
        source_url -> Text,
        source_title -> Text,
        last_message_preview -> Text,
        last_seq -> BigInt,
        visitor_last_seq -> BigInt,
        agent_read_seq -> BigInt,
        visitor_read_seq -> BigInt,
        agent_unread -> BigInt,
        rating -> Integer,
        rating_comment -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
        last_message_at -> BigInt,
        first_response_at -> Nullable<BigInt>,
        resolved_at -> Nullable<BigInt>,
        closed_at -> Nullable<BigInt>,
        responder -> Text,
        queued_at -> Nullable<BigInt>,
        left_offline -> Bool,
        team_id -> Nullable<Text>,
        flow_step -> Nullable<Text>,
    }
}

diesel::table! {
    rules (id) {
        id -> Text,
        workspace_id -> Text,
        name -> Text,
        enabled -> Bool,
        trigger -> Text,
        conditions -> Text,
        actions -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    rule_firings (conversation_id, rule_id) {
        conversation_id -> Text,
        rule_id -> Text,
        fired_at -> BigInt,
    }
}

diesel::table! {
    teams (id) {
        id -> Text,
        workspace_id -> Text,
        name -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    team_members (team_id, user_id) {
        team_id -> Text,
        user_id -> Text,
        workspace_id -> Text,
    }
}

diesel::table! {
    messages (id) {
        id -> Text,
        workspace_id -> Text,
        conversation_id -> Text,
        seq -> BigInt,
        sender_type -> Text,
        sender_id -> Text,
        sender_name -> Text,
        body -> Text,
        internal -> Bool,
        attachments -> Text,
        client_key -> Text,
        created_at -> BigInt,
        citations -> Text,
        quick_replies -> Text,
    }
}

diesel::table! {
    attachments (id) {
        id -> Text,
        workspace_id -> Text,
        conversation_id -> Text,
        uploader_id -> Text,
        file_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        message_id -> Nullable<Text>,
        created_at -> BigInt,
    }
}

diesel::table! {
    events (workspace_id, seq) {
        workspace_id -> Text,
        seq -> BigInt,
        conversation_id -> Nullable<Text>,
        visitor_id -> Nullable<Text>,
        visitor_visible -> Bool,
        body -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        workspace_id -> Text,
        actor_user_id -> Text,
        actor_name -> Text,
        action -> Text,
        target_id -> Text,
        detail -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    articles (id) {
        id -> Text,
        workspace_id -> Text,
        title -> Text,
        body -> Text,
        tags -> Text,
        published -> Bool,
        url -> Text,
        created_by -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    canned_responses (id) {
        id -> Text,
        workspace_id -> Text,
        shortcut -> Text,
        title -> Text,
        body -> Text,
        created_by -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
        knowledge -> Bool,
    }
}

diesel::table! {
    jobs (id) {
        id -> Text,
        workspace_id -> Nullable<Text>,
        kind -> Text,
        summary -> Text,
        payload -> Text,
        state -> Text,
        attempts -> Integer,
        max_attempts -> Integer,
        run_at -> BigInt,
        locked_by -> Nullable<Text>,
        locked_until -> Nullable<BigInt>,
        last_error -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    password_resets (id) {
        id -> Text,
        user_id -> Text,
        token_hash -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
        used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Text,
        workspace_id -> Text,
        url -> Text,
        description -> Text,
        event_types -> Text,
        secret -> Text,
        enabled -> Bool,
        disabled_reason -> Text,
        event_cursor -> BigInt,
        failed_in_a_row -> Integer,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        webhook_id -> Text,
        workspace_id -> Text,
        event_type -> Text,
        payload -> Text,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Nullable<BigInt>,
        response_status -> Integer,
        latency_ms -> BigInt,
        error -> Text,
        response_excerpt -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    notification_settings (workspace_id, user_id) {
        workspace_id -> Text,
        user_id -> Text,
        settings -> Text,
        updated_at -> BigInt,
    }
}

diesel::table! {
    push_subscriptions (id) {
        id -> Text,
        workspace_id -> Text,
        user_id -> Text,
        endpoint -> Text,
        p256dh -> Text,
        auth -> Text,
        label -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    open_dashboards (id) {
        id -> Text,
        workspace_id -> Text,
        user_id -> Text,
        seen_at -> BigInt,
    }
}

diesel::joinable!(memberships -> users (user_id));
diesel::joinable!(conversations -> visitors (visitor_id));
diesel::joinable!(conversation_counts -> conversations (conversation_id));
diesel::joinable!(page_views -> visitors (visitor_id));
diesel::joinable!(messages -> conversations (conversation_id));
diesel::joinable!(memberships -> workspaces (workspace_id));
diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));
diesel::table! {
    conversation_counts (conversation_id) {
        conversation_id -> Text,
        workspace_id -> Text,
        counted -> Text,
        rated_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    report_figures (workspace_id, span, dim, start_at) {
        workspace_id -> Text,
        span -> Integer,
        dim -> Text,
        start_at -> BigInt,
        started -> BigInt,
        still_open -> BigInt,
        resolved -> BigInt,
        missed -> BigInt,
        first_responses -> BigInt,
        first_response_secs -> BigInt,
        first_response_business_secs -> BigInt,
        resolution_secs -> BigInt,
        resolution_business_secs -> BigInt,
        stars_1 -> BigInt,
        stars_2 -> BigInt,
        stars_3 -> BigInt,
        stars_4 -> BigInt,
        stars_5 -> BigInt,
        bot_answered -> BigInt,
        bot_resolved -> BigInt,
        handed_off -> BigInt,
        online_secs -> BigInt,
        busy_secs -> BigInt,
        away_secs -> BigInt,
        first_response_hist -> Text,
        first_response_business_hist -> Text,
        resolution_hist -> Text,
        resolution_business_hist -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    server_secrets,
    workspaces,
    users,
    memberships,
    refresh_tokens,
    invites,
    widgets,
    visitors,
    page_views,
    conversations,
    messages,
    attachments,
    audit_log,
    events,
    canned_responses,
    articles,
    jobs,
    password_resets,
    webhooks,
    webhook_deliveries,
    notification_settings,
    push_subscriptions,
    open_dashboards,
    teams,
    team_members,
    rules,
    rule_firings,
    report_figures,
    conversation_counts,
    workspace_models,
);
