@happy_path
Feature: Clients whose names QuickBooks cannot query still sync
  QuickBooks stores a name with a typographic apostrophe or an en dash, but its query language refuses
  those characters, even quoted ("Lexical error"). Caspen still finds or creates the customer once.

  Background:
    Given a Caspen account connected to an Australian QuickBooks company
    And a client "Dana O’Brien – Plumbing" with client id 4200077

  Scenario: An invoice for such a client syncs and its customer is created once
    Given a finalized invoice for "Dana O’Brien – Plumbing" of $100.00 with GST
    And a finalized invoice for "Dana O’Brien – Plumbing" of $50.00 with GST
    Then QuickBooks has 1 customer named "Dana O’Brien – Plumbing (Caspen 00077)"
    And both invoices belong to that QuickBooks customer
