#pragma once
// Private to src/http: each feature's routes, declared beside its handlers.

#include "http/route_table.h"
#include "http/router.h"

namespace wasmfaas::http {

void add_operations_routes(RouteTable& table, const RouterDependencies& deps);  // routes_operations.cpp
void add_file_routes(RouteTable& table, const RouterDependencies& deps);        // routes_files.cpp
void add_config_routes(RouteTable& table, const RouterDependencies& deps);      // routes_config.cpp
void add_alias_routes(RouteTable& table, const RouterDependencies& deps);       // routes_aliases.cpp
void add_exec_routes(RouteTable& table, const RouterDependencies& deps);        // routes_exec.cpp
void add_pipeline_routes(RouteTable& table, const RouterDependencies& deps);    // routes_pipeline.cpp
void add_keyvalue_routes(RouteTable& table, const RouterDependencies& deps);    // routes_kv.cpp
void add_job_routes(RouteTable& table, const RouterDependencies& deps);         // routes_jobs.cpp
void add_schedule_routes(RouteTable& table, const RouterDependencies& deps);    // routes_schedules.cpp
void add_console_routes(RouteTable& table, const RouterDependencies& deps);     // routes_console.cpp

}  // namespace wasmfaas::http
