-- Same user and databases as deploy/local/infra.sh creates on a Debian machine.
create role flash login password 'flash';
create database command owner flash;
create database balance owner flash;
create database notification owner flash;
create database ai_support owner flash;
create database command_test owner flash;
create database balance_test owner flash;
create database notification_test owner flash;
create database ai_support_test owner flash;
create database command_e2e owner flash;
create database balance_e2e owner flash;
create database notification_e2e owner flash;
create database ai_support_e2e owner flash;
create database notification_bench owner flash;
create database notification_migration owner flash;
create database messaging_test owner flash;
