/** The name the lacp MCP server goes by: in OpenCode its tools become `lacp_start_task`, `lacp_list_tasks`, ... */
export const MCP_SERVER_NAME = 'lacp';
