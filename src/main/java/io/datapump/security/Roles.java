package io.datapump.security;

/** The two roles: a viewer reads everything; an operator also acts (replay, pause/resume, rerun, tracing). */
public final class Roles {

    public static final String VIEWER = "VIEWER";
    public static final String OPERATOR = "OPERATOR";

    private Roles() {
    }
}
