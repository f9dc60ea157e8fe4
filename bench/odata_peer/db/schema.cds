// The flat export's columns (docs/export-schema.md) with the types our feed
// gives them in $metadata: lists as collections of strings, `hours` a decimal
// with two places, instants as DateTimeOffset.
namespace worklogs;

entity Worklogs {
  key worklog_id      : String;
      issue_id        : String;
      issue_key       : String;
      issue_summary   : String;
      issue_type      : String;
      issue_status    : String;
      parent_key      : String;
      parent_summary  : String;
      project_id      : String;
      project_key     : String;
      project_name    : String;
      author_account_id   : String;
      author_display_name : String;
      started_utc     : Timestamp;
      local_date      : Date;
      seconds         : Int64;
      hours           : Decimal(12, 2);
      billable        : Boolean;
      components      : many String;
      labels          : many String;
      comment         : String;
      updated_utc     : Timestamp;
      attributes_valid : Boolean;
      approval_state  : String;
      attr_work_type  : String;
}
