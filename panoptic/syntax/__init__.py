"""Syntax: the Lark grammar's parser and the AST it builds."""
